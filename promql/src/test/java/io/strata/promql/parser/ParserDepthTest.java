package io.strata.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.strata.promql.PromQL;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Deep and long expressions: parsed up to {@link Parser#MAX_DEPTH}, refused beyond with a parse error, never a StackOverflowError. */
class ParserDepthTest {
  private static final String TOO_DEEP = "expression nesting too deep (max " + Parser.MAX_DEPTH + ")";

  /** Runs {@code r} on a thread with the query server's stack (32 MB), as the parser runs there. */
  private static void onQueryServerStack(Runnable r) throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        r.run();
      } catch (Throwable e) {
        thrown.set(e);
      }
    }, "query-stack", 32L << 20);
    t.start();
    t.join();
    if (thrown.get() instanceof Error e) {
      throw e;
    } else if (thrown.get() != null) {
      throw (Exception) thrown.get();
    }
  }

  @Test
  void chainsUpToTheLimitParse() throws Exception {
    onQueryServerStack(this::longChains);
  }

  private void longChains() {
    // 9,999 operators: the deepest chain accepted (a 20,000-term chain took minutes to refuse when the type of a chain
    // was recomputed per operator from its left end)
    assertEquals(io.strata.promql.ast.ValueType.VECTOR, PromQL.parse("up" + " or up".repeat(Parser.MAX_DEPTH - 1)).type());
    PromQL.parse("1" + "+1".repeat(Parser.MAX_DEPTH - 1));
  }

  @Test
  void beyondTheLimitIsAParseErrorAtTheOffendingToken() throws Exception {
    onQueryServerStack(this::beyondTheLimit);
  }

  private void beyondTheLimit() {
    int n = Parser.MAX_DEPTH + 1;
    PromQLParseException paren = assertThrows(PromQLParseException.class, () -> PromQL.parse("(".repeat(n) + "up" + ")".repeat(n)));
    assertEquals(TOO_DEEP, paren.detail());
    assertEquals(Parser.MAX_DEPTH, paren.position()); // the paren that opens level MAX_DEPTH + 1
    PromQLParseException chain = assertThrows(PromQLParseException.class, () -> PromQL.parse("up" + "+up".repeat(100_000)));
    assertEquals(TOO_DEEP, chain.detail());
    assertEquals(TOO_DEEP, assertThrows(PromQLParseException.class, () -> PromQL.parse("-".repeat(n) + "1")).detail());
    assertEquals(TOO_DEEP, assertThrows(PromQLParseException.class,
        () -> PromQL.parse("sum(".repeat(n / 2) + "up" + ")".repeat(n / 2) + "+up".repeat(n / 2 + 10))).detail());
  }

  @Test
  void aSmallStackGetsAParseErrorNotAStackOverflow() throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t = new Thread(null, () -> {
      try {
        PromQL.parse("(".repeat(5_000) + "up" + ")".repeat(5_000));
      } catch (Throwable e) {
        thrown.set(e);
      }
    }, "small-stack", 256 * 1024);
    t.start();
    t.join();
    PromQLParseException e = (PromQLParseException) thrown.get();
    assertEquals("expression nesting too deep for this thread's stack", e.detail());
  }
}
