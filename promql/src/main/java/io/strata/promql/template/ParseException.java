package io.strata.promql.template;

/** A parse error with Go's text ({@code template: name:1: ...}); unwinds the parser as Go's panic does. */
final class ParseException extends RuntimeException {
  ParseException(String message) {
    super(message, null, false, false);
  }
}
