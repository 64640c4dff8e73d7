package io.strata.ingest.exposition;

import static io.strata.ingest.exposition.ByteScan.ascii;
import static io.strata.ingest.exposition.ByteScan.isWord;
import static io.strata.ingest.exposition.ByteScan.quote;
import static io.strata.ingest.exposition.ByteScan.skipBlank;
import static io.strata.ingest.exposition.ByteScan.tokenEnd;

import java.nio.charset.StandardCharsets;

/**
 * The comment lines of an exposition: {@code # HELP}, {@code # TYPE} (both formats), {@code # UNIT} and
 * {@code # EOF} (OpenMetrics). One instance per parser holds the result of the last line parsed; not
 * thread-safe. HELP unescapes {@code \\} and {@code \n} (and {@code \"} in OpenMetrics), as Prometheus.
 */
final class MetadataLine {
  static final int NONE = 0; // an ordinary 0.0.4 comment
  static final int HELP = 1;
  static final int TYPE = 2;
  static final int UNIT = 3;
  static final int EOF = 4;

  int kind;
  String name;
  int nameStart;
  int nameEnd;
  String text; // HELP text or unit
  MetricType type;

  /** A 0.0.4 comment, {@code b[s, e)} being what follows the {@code #}. */
  void parseText(byte[] b, int s, int e, int line) throws ExpositionParseException {
    kind = NONE;
    int i = skipBlank(b, s, e);
    int w = tokenEnd(b, i, e);
    boolean help = isWord(b, i, w, "HELP");
    if (!help && !isWord(b, i, w, "TYPE")) {
      return;
    }
    i = skipBlank(b, w, e);
    int ne = ByteScan.metricNameEnd(b, i, e);
    if (ne == i || (ne < e && b[ne] != ' ' && b[ne] != '\t')) {
      throw new ExpositionParseException(line, "invalid metric name in " + (help ? "HELP" : "TYPE") + " line: " + quote(b, i, tokenEnd(b, i, e)));
    }
    setName(b, i, ne);
    if (help) {
      int t = ne < e ? ne + 1 : e; // one separator; the rest (leading blanks of the text excepted) is the text
      t = skipBlank(b, t, e);
      text = unescapeHelp(b, t, e, false);
      kind = HELP;
      return;
    }
    int t = skipBlank(b, ne, e);
    int te = tokenEnd(b, t, e);
    if (skipBlank(b, te, e) != e || t == te) {
      throw new ExpositionParseException(line, "expected exactly one type after metric name in TYPE line, got " + quote(b, t, e));
    }
    type = MetricType.parse(ascii(b, t, te), Format.PROMETHEUS_TEXT_0_0_4);
    if (type == null) {
      throw new ExpositionParseException(line, "unknown metric type " + quote(b, t, te));
    }
    kind = TYPE;
  }

  /** An OpenMetrics line starting with {@code #} ({@code b[s]}); anything but HELP, TYPE, UNIT, EOF is an error. */
  void parseOpenMetrics(byte[] b, int s, int e, int line) throws ExpositionParseException {
    if (e - s == 5 && isWord(b, s, e, "# EOF")) {
      kind = EOF;
      return;
    }
    if (e - s < 2 || b[s + 1] != ' ') {
      throw new ExpositionParseException(line, "invalid comment line " + quote(b, s, e) + " (OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF)");
    }
    int w = tokenEnd(b, s + 2, e);
    int k = isWord(b, s + 2, w, "HELP") ? HELP : isWord(b, s + 2, w, "TYPE") ? TYPE : isWord(b, s + 2, w, "UNIT") ? UNIT : NONE;
    if (k == NONE) {
      throw new ExpositionParseException(line, "invalid comment line " + quote(b, s, e) + " (OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF)");
    }
    if (w >= e || b[w] != ' ') {
      throw new ExpositionParseException(line, "expected metric name after " + ascii(b, s + 2, w));
    }
    int i = w + 1;
    int ne = ByteScan.metricNameEnd(b, i, e);
    if (ne == i || (ne < e && b[ne] != ' ')) {
      throw new ExpositionParseException(line, "invalid metric name in " + ascii(b, s + 2, w) + " line: " + quote(b, i, tokenEnd(b, i, e)));
    }
    setName(b, i, ne);
    int t = ne < e ? ne + 1 : e;
    switch (k) {
      case HELP -> text = unescapeHelp(b, t, e, true);
      case TYPE -> {
        type = MetricType.parse(new String(b, t, e - t, StandardCharsets.UTF_8), Format.OPENMETRICS_1_0);
        if (type == null) {
          throw new ExpositionParseException(line, "unknown metric type " + quote(b, t, e));
        }
      }
      default -> {
        text = new String(b, t, e - t, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !name.endsWith("_" + text)) {
          throw new ExpositionParseException(line, "unit " + quote(text) + " not a suffix of metric " + quote(name));
        }
      }
    }
    kind = k;
  }

  private void setName(byte[] b, int s, int e) {
    name = ascii(b, s, e);
    nameStart = s;
    nameEnd = e;
  }

  private static String unescapeHelp(byte[] b, int s, int e, boolean om) {
    if (ByteScan.indexOf(b, s, e, (byte) '\\') < 0) {
      return new String(b, s, e - s, StandardCharsets.UTF_8);
    }
    byte[] out = new byte[e - s]; // unescaping only shortens
    int n = 0;
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < e) {
        byte next = b[i + 1];
        if (next == '\\' || next == 'n' || (om && next == '"')) {
          out[n++] = next == 'n' ? (byte) '\n' : next;
          i++;
          continue;
        }
      }
      out[n++] = c;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }
}
