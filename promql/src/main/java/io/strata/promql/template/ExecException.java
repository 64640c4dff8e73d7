package io.strata.promql.template;

/** An execution error with Go's text ({@code template: name:1:5: executing "name" at <.x>: ...}). */
final class ExecException extends RuntimeException {
  ExecException(String message) {
    super(message, null, false, false);
  }
}
