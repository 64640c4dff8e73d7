package io.strata.promql.ast;

/**
 * A PromQL expression. Every node is immutable and prints back as canonical PromQL with
 * {@link Object#toString()}, the form Prometheus's {@code /api/v1/format_query} returns.
 */
public sealed interface Expr
    permits NumberLiteral, StringLiteral, VectorSelector, MatrixSelector, SubqueryExpr, ParenExpr, UnaryExpr,
        BinaryExpr, AggregateExpr, Call {
  ValueType type();
}
