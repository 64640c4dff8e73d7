package io.strata.promql.template;

/**
 * A function callable from a template, described by its Go signature so that arguments are checked
 * and converted as {@code text/template} does ({@code wrong number of args}, {@code expected string;
 * found 1}, ...). For a variadic function the last entry of {@code in} is the element type.
 */
record GoFunc(String name, GoType[] in, boolean variadic, Impl impl) {
  @FunctionalInterface
  interface Impl {
    /** Returns the result (null for an invalid reflect.Value); throws {@link FuncError} for a Go error or panic. */
    GoValue call(GoValue[] args) throws FuncError;
  }

  /** The error a Go function returned (or the panic it raised), with Go's text. */
  static final class FuncError extends Exception {
    FuncError(String message) {
      super(message, null, false, false);
    }
  }

  static GoFunc of(String name, Impl impl, GoType... in) {
    return new GoFunc(name, in, false, impl);
  }

  static GoFunc variadic(String name, Impl impl, GoType... in) {
    return new GoFunc(name, in, true, impl);
  }
}
