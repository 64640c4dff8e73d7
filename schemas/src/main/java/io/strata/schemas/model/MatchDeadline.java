package io.strata.schemas.model;

/**
 * The deadline of the query running on this thread, for loops that match {@link LabelMatcher}s over many
 * label values (a store's postings index): the PromQL engine opens a scope around each call into a store
 * ({@link #until}), and the loop calls {@link #check} now and then, which throws {@link Exceeded} once the
 * deadline passed, so a query past its timeout stops matching instead of running on after its 503. A
 * thread-scoped value rather than a parameter, so the store's interface (also used by the sink, the API's
 * series and label endpoints and tools) keeps its shape; without a scope, {@link #check} never throws.
 */
public final class MatchDeadline {
  private MatchDeadline() {}

  private static final ThreadLocal<long[]> CURRENT = new ThreadLocal<>();

  /** Thrown by {@link #check} past the deadline; the engine answers it as its own timeout. */
  public static final class Exceeded extends RuntimeException {
    public Exceeded() {
      super("query deadline exceeded while matching labels", null, false, false);
    }
  }

  /** Closes the scope: the enclosing deadline (or none) applies again. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** Sets the deadline ({@link System#nanoTime()} based) of this thread until the scope is closed. */
  public static Scope until(long deadlineNanos) {
    long[] previous = CURRENT.get();
    CURRENT.set(new long[] {deadlineNanos});
    return () -> {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    };
  }

  /** Throws {@link Exceeded} when this thread's query is past its deadline. */
  public static void check() {
    long[] d = CURRENT.get();
    if (d != null && System.nanoTime() - d[0] > 0) {
      throw new Exceeded();
    }
  }
}
