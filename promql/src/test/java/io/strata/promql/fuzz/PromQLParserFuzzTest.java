package io.strata.promql.fuzz;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.strata.promql.PromQL;
import io.strata.promql.ast.Expr;
import io.strata.promql.parser.PromQLParseException;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer target for the PromQL parser (issue 17 item 5). Any input either parses or is refused with a
 * {@link PromQLParseException}; nothing else escapes (no RuntimeException, no StackOverflowError), and what
 * parses prints back ({@code format_query}) as an expression that parses again. Not to the same text: like
 * Prometheus 2.42, {@code inf^ -2} prints as {@code +Inf ^ -2}, which prints as {@code ++Inf ^ -2}. Runs on the
 * committed corpus ({@code PromQLParserFuzzTestInputs/}) in every build; {@code -Pfuzz} fuzzes it.
 */
class PromQLParserFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parsesOrRefusesCleanly(byte[] input) {
    String query = new String(input, StandardCharsets.UTF_8);
    Expr e;
    try {
      e = PromQL.parse(query);
    } catch (PromQLParseException refused) {
      return;
    }
    String printed = e.toString();
    assertDoesNotThrow(() -> PromQL.parse(printed), () -> "format_query of " + query + " gave " + printed);
  }
}
