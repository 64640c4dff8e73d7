package io.strata.streams.rollup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesKey;
import io.strata.schemas.model.SeriesPartitioner;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FirstSeriesPartitionerTest {

  @Test
  void aBatchGoesWhereItsFirstSeriesRawSamplesGo() {
    var p = new RollupOutput.FirstSeriesPartitioner();
    for (int i = 0; i < 50; i++) {
      byte[] key = SeriesKey.encode("default", Labels.of("__name__", "m", "i", Integer.toString(i)));
      int expected = SeriesPartitioner.partition(key, 12);
      assertEquals(Optional.of(Set.of(expected)), p.partitions("metrics.rollup.1m", null, new RollupOutput(key, new byte[0]), 12));
    }
  }
}
