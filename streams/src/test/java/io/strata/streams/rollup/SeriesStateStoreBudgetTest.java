package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The eviction policy the stores of one topology share (the stores themselves run in RollupPropertyTest). */
class SeriesStateStoreBudgetTest {
  @Test
  void aStoreWithinBudgetNeverEvicts() {
    SeriesStateStore.Budget b = new SeriesStateStore.Budget(1000);
    b.opened();
    b.add(1000);
    assertFalse(b.mustEvict(1000));
    b.add(1);
    assertTrue(b.mustEvict(1001));
  }

  @Test
  void aQuietStoreBelowItsShareKeepsItsStatesWhenABusyOneFilledTheBudget() {
    SeriesStateStore.Budget b = new SeriesStateStore.Budget(1000);
    b.opened();
    b.opened();
    b.add(1100); // the busy store
    b.add(300); // the quiet one, below its share of 500
    assertFalse(b.mustEvict(300), "the quiet store keeps what it holds");
    assertTrue(b.mustEvict(1100), "the busy store evicts down to its share");
    b.add(-600);
    assertFalse(b.mustEvict(500), "back within the budget");
  }

  @Test
  void aClosedStoreNoLongerTakesAShare() {
    SeriesStateStore.Budget b = new SeriesStateStore.Budget(1000);
    b.opened();
    b.opened();
    b.add(1200);
    assertTrue(b.mustEvict(600), "two open stores: 600 is above a share of 500");
    b.closed();
    assertFalse(b.mustEvict(600), "one open store: its share is the whole budget");
  }
}
