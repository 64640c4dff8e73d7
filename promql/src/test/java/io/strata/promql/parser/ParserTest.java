package io.strata.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.promql.PromQL;
import io.strata.promql.ast.AggregateExpr;
import io.strata.promql.ast.BinaryExpr;
import io.strata.promql.ast.BinaryOp;
import io.strata.promql.ast.MatrixSelector;
import io.strata.promql.ast.NumberLiteral;
import io.strata.promql.ast.SubqueryExpr;
import io.strata.promql.ast.UnaryExpr;
import io.strata.promql.ast.VectorMatching;
import io.strata.promql.ast.VectorSelector;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ParserTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
      "sum by (a,b) (rate(foo{x=\"y\"}[5m] offset 1m)) | sum by (a, b) (rate(foo{x=\"y\"}[5m] offset 1m))",
      "sum(x) without (y) | sum without (y) (x)",
      "SUM(x) BY (y) | sum by (y) (x)",
      "quantile(0.5, x) by (a) | quantile by (a) (0.5, x)",
      "a + on(b) group_left(c) d | a + on (b) group_left (c) d",
      "a>bool b | a > bool b",
      "1e6 | 1e+06",
      "0x1f | 31",
      "010 | 8",
      "1.5e-7 | 1.5e-07",
      "-Inf | -Inf",
      "nan | NaN",
      "foo @ 100 offset -5m | foo @ 100.000 offset -5m",
      "foo offset 5m @ 100 | foo @ 100.000 offset 5m",
      "rate(foo[5m:1m] @ start()) | rate(foo[5m:1m] @ start())",
      "foo[1h:] | foo[1h:]",
      "foo{b=\"2\",a=~\"1\"} | foo{a=~\"1\",b=\"2\"}",
      "{__name__=~\"foo.*\"} | {__name__=~\"foo.*\"}",
      "'single' | \"single\"",
      "`raw\\n` | \"raw\\\\n\"",
      "\"tab\\there\" | \"tab\\there\"",
      "x offset 90m | x offset 1h30m",
      "(a + b) * c | (a + b) * c",
      "- 1 | -1",
      "-x | -x",
      "label_join(x, \"d\", \",\", \"a\", \"b\") | label_join(x, \"d\", \",\", \"a\", \"b\")",
      "x # comment | x",
      "foo:bar:rate5m | foo:bar:rate5m",
      "x and on() y | x and on () y",
  })
  void printsCanonicalForm(String in, String out) {
    assertEquals(out, PromQL.parse(in).toString());
    assertEquals(out, PromQL.parse(out).toString(), "the printed form parses to itself");
  }

  @Test
  void powerIsRightAssociativeAndBindsTighterThanUnaryMinus() {
    BinaryExpr e = (BinaryExpr) PromQL.parse("2 ^ 3 ^ 2");
    assertInstanceOf(NumberLiteral.class, e.lhs());
    assertInstanceOf(BinaryExpr.class, e.rhs());
    UnaryExpr u = (UnaryExpr) PromQL.parse("-x ^ 2");
    assertEquals(BinaryOp.POW, ((BinaryExpr) u.expr()).op());
    BinaryExpr m = (BinaryExpr) PromQL.parse("-x * 2");
    assertEquals(BinaryOp.MUL, m.op());
    assertInstanceOf(UnaryExpr.class, m.lhs());
  }

  @Test
  void precedenceLevels() {
    BinaryExpr or = (BinaryExpr) PromQL.parse("a or b and c unless d == e + f * g ^ h");
    assertEquals(BinaryOp.OR, or.op());
    BinaryExpr sub = (BinaryExpr) PromQL.parse("a - b - c");
    assertEquals("a - b", sub.lhs().toString());
  }

  @Test
  void setOperatorsAreManyToManyAndScalarOperandsHaveNoMatching() {
    BinaryExpr and = (BinaryExpr) PromQL.parse("a and b");
    assertEquals(VectorMatching.Cardinality.MANY_TO_MANY, and.matching().card());
    assertEquals(null, ((BinaryExpr) PromQL.parse("a + 1")).matching());
    BinaryExpr gr = (BinaryExpr) PromQL.parse("a / ignoring(x) group_right b");
    assertEquals(VectorMatching.Cardinality.ONE_TO_MANY, gr.matching().card());
  }

  @Test
  void selectorsCarryRangeOffsetAndAt() {
    MatrixSelector m = (MatrixSelector) PromQL.parse("x{a=\"b\"}[5m] offset -1m @ end()");
    assertEquals(300_000, m.rangeMs());
    assertEquals(-60_000, m.selector().offsetMs());
    assertEquals("end()", m.selector().at().toString().trim().substring(2));
    VectorSelector v = (VectorSelector) PromQL.parse("x @ 1.5");
    assertEquals(1_500, v.at().timestampMs());
    SubqueryExpr s = (SubqueryExpr) PromQL.parse("rate(x[1m])[1h:5m]");
    assertEquals(3_600_000, s.rangeMs());
    assertEquals(300_000, s.stepMs());
    AggregateExpr a = (AggregateExpr) PromQL.parse("topk by (a) (3, x)");
    assertEquals("3", a.param().toString());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '\u0000', value = {
      "rate(foo) | 1:6: parse error: expected type range vector in call to function \"rate\", got instant vector",
      "1 > 2 | 1:3: parse error: comparisons between scalars must use BOOL modifier",
      "foo + bar[5m] | 1:7: parse error: binary expression must contain only scalar and instant vector types",
      "a and 1 | 1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
      "count_values(1, x) | 1:14: parse error: expected type string in aggregation parameter, got scalar",
      "foo bar | 1:5: parse error: unexpected identifier \"bar\"",
      "abs(foo | 1:8: parse error: unclosed left parenthesis",
      "foo{a=} | 1:7: parse error: unexpected \"}\" in label matching, expected string",
      "{} | 1:1: parse error: vector selector must contain at least one non-empty matcher",
      "x{__name__=\"y\"} | 1:1: parse error: metric name must not be set twice: \"x\" or \"y\"",
      "(foo)[5m] | 1:6: parse error: ranges only allowed for vector selectors",
      "foo[5] | 1:5: parse error: missing unit character in duration",
      "x[1.5m] | 1:3: parse error: not a valid duration string: \"1.5m\"",
      "foo offset 0s | 1:12: parse error: duration must be greater than 0",
      "sum(x) offset 5m | 1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
      "foo @ 1 @ 2 | 1:1: parse error: @ <timestamp> may not be set multiple times",
      "foo[5m][1h:] | 1:1: parse error: subquery is only allowed on instant vector, got matrix instead",
      "-foo[5m] | 1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\"",
      "round(x, 1, 2) | 1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3",
      "label_join(x) | 1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1",
      "sum(1, x) | 1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2",
      "nonexistent(x) | 1:1: parse error: unknown function with name \"nonexistent\"",
      "a == on(b) group_left(b) c | 1:3: parse error: label \"b\" must not occur in ON and GROUP clause at once",
      "a and on(x) group_left b | 1:1: parse error: no grouping allowed for \"and\" operation",
      "a + bool b | 1:3: parse error: bool modifier can only be used on comparison operators",
      "a + on(b) 1 | 1:1: parse error: vector matching only allowed between instant vectors",
      "rate(x[5m],) | 1:11: parse error: trailing commas not allowed in function call args",
      "foo{a=\"\\q\"} | 1:7: parse error: unknown escape sequence U+0071 'q'",
      "x @ Inf | 1:1: parse error: timestamp out of bounds for @ modifier: +Inf",
      "1 + | 1:4: parse error: unexpected end of input",
      ") | 1:2: parse error: unexpected right parenthesis ')'",
      "x[5m:1m:1m] | 1:8: parse error: unexpected colon ':'",
      "sum by (foo:bar) (x) | 1:9: parse error: unexpected metric identifier \"foo:bar\" in grouping opts, expected label",
  })
  void rejectsBadQueriesWithPrometheusMessages(String query, String message) {
    PromQLParseException e = assertThrows(PromQLParseException.class, () -> PromQL.parse(query));
    assertEquals(message, e.getMessage());
  }

  @Test
  void positionIsZeroBasedAndLineAware() {
    PromQLParseException e = assertThrows(PromQLParseException.class, () -> PromQL.parse("foo +\n  bar baz"));
    assertEquals(12, e.position());
    assertEquals("2:7: parse error: unexpected identifier \"baz\"", e.getMessage());
  }
}
