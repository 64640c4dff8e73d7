package io.strata.promql.ast;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** A function call. */
public record Call(Function function, List<Expr> args) implements Expr {
  public Call {
    Objects.requireNonNull(function, "function");
    args = List.copyOf(args);
  }

  @Override
  public ValueType type() {
    return function.returnType();
  }

  @Override
  public String toString() {
    return function.name() + "(" + args.stream().map(Object::toString).collect(Collectors.joining(", ")) + ")";
  }
}
