package io.strata.ingest.exposition;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The 0.0.4 parser reads plain sample lines on a fast path and everything else the general way; both must
 * see the same samples (series text, labels, value bits, timestamp, family type) and the same errors.
 * Random lines are built from pieces that hit both paths and their edges: blanks and tabs, escapes, CRs,
 * trailing commas, timestamps, duplicate labels, bad values, missing newlines.
 */
class PlainLinePathTest {
  private static final String[] NAMES = {"m", "node_cpu_seconds_total", "a:b_c", "m", "m", "1bad", "__x"};
  private static final String[] LABEL_NAMES = {"a", "mode", "cpu", "a", "__name__", "le", "9x", "_"};
  private static final String[] VALUES = {"x", "", "idle", "a\\\"b", "a\\\\b", "a\\nb", "a\\tb", "Zürich", "a\"b", "a,b}"};
  private static final String[] NUMBERS = {"1", "-0", "1.5e3", "NaN", "+Inf", "-Inf", "0x1p-2", "12345678901234567890", "1x", "", ".5", "1e400"};
  private static final String[] BLANKS = {" ", " ", " ", "  ", "\t", ""};

  private static String render(byte[] body, ExpositionParser parser) {
    List<String> out = new ArrayList<>();
    try {
      parser.parse(body, Format.PROMETHEUS_TEXT_0_0_4, new SampleVisitor() {
        @Override
        public void type(String family, MetricType type) {
          out.add("TYPE " + family + " " + type);
        }

        @Override
        public void sample(SampleView s) {
          out.add(new String(s.buffer(), s.seriesStart(), s.seriesEnd() - s.seriesStart(), StandardCharsets.UTF_8) + " | " + s.toLabels() + " | "
              + Double.doubleToRawLongBits(s.value()) + " | " + s.timestampMs() + " | " + s.familyType() + " | " + s.seriesHash());
        }
      });
    } catch (ExpositionParseException e) {
      out.add("ERROR " + e.getMessage());
    }
    return String.join("\n", out);
  }

  private static String randomLine(SplittableRandom r) {
    StringBuilder sb = new StringBuilder();
    if (r.nextInt(8) == 0) {
      return "# TYPE " + NAMES[r.nextInt(NAMES.length)] + " counter";
    }
    sb.append(NAMES[r.nextInt(NAMES.length)]);
    if (r.nextBoolean()) {
      sb.append(r.nextInt(6) == 0 ? BLANKS[r.nextInt(BLANKS.length)] : "").append('{');
      int n = r.nextInt(4);
      for (int i = 0; i < n; i++) {
        sb.append(LABEL_NAMES[r.nextInt(LABEL_NAMES.length)]).append(r.nextInt(8) == 0 ? " " : "").append('=')
            .append('"').append(VALUES[r.nextInt(VALUES.length)]).append('"');
        if (i < n - 1 || r.nextInt(4) == 0) {
          sb.append(',');
        }
      }
      sb.append(r.nextInt(10) == 0 ? "" : "}");
    }
    sb.append(BLANKS[r.nextInt(BLANKS.length)]).append(NUMBERS[r.nextInt(NUMBERS.length)]);
    switch (r.nextInt(6)) {
      case 0 -> sb.append(' ').append(r.nextLong(-5_000_000_000_000L, 5_000_000_000_000L));
      case 1 -> sb.append(BLANKS[r.nextInt(BLANKS.length)]).append("12.5");
      case 2 -> sb.append(' ');
      case 3 -> sb.append('\r');
      default -> { }
    }
    return sb.toString();
  }

  @Test
  void plainAndGeneralPathsAgree() {
    SplittableRandom r = new SplittableRandom(42);
    int errors = 0;
    for (int doc = 0; doc < 3000; doc++) {
      StringBuilder sb = new StringBuilder();
      int lines = r.nextInt(1, 6);
      for (int l = 0; l < lines; l++) {
        sb.append(randomLine(r));
        if (l < lines - 1 || r.nextBoolean()) {
          sb.append('\n');
        }
      }
      byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
      String general = render(body, new ExpositionParser().plainLinePath(false));
      assertEquals(general, render(body, new ExpositionParser()), sb.toString());
      if (general.contains("ERROR")) {
        errors++;
      }
    }
    // both outcomes must be common, or the comparison proves little
    assertEquals(true, errors > 300 && errors < 2700, "documents with errors: " + errors);
  }
}
