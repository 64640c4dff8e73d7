package io.strata.ingest.exposition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streaming parser for the Prometheus text format 0.0.4 and OpenMetrics 1.0 text. It walks a byte array
 * line by line and calls a {@link SampleVisitor}; the per-sample path works on offsets into the input and
 * reused arrays, so it allocates nothing unless a label value has escapes (then it copies into a reused
 * scratch buffer). An instance is not thread-safe; reuse one per thread.
 *
 * <p>Prometheus behaviour kept: label values unescape {@code \\}, {@code \"} and {@code \n} (other
 * escapes stay as written); HELP unescapes {@code \\} and {@code \n} (and {@code \"} in OpenMetrics);
 * 0.0.4 timestamps are integer milliseconds, OpenMetrics timestamps are float seconds converted as
 * {@code (long) (seconds * 1000)}; OpenMetrics exemplars are skipped; OpenMetrics {@code _created} series
 * of counters, histograms and summaries are skipped unless {@link #keepCreatedSeries(boolean)}.
 */
public final class ExpositionParser {
  private final SampleView view = new SampleView();
  private final long[] longOut = new long[1];
  private byte[] scratch = new byte[256];
  private int scratchLen;
  private boolean keepCreated;

  // Family of the last TYPE line: name bytes are kept as a String, compared without allocating.
  private String familyName = "";
  private MetricType familyType = MetricType.UNKNOWN;

  private int line;
  private boolean sawEof;

  /** When true, OpenMetrics {@code _created} lines are reported as samples (Prometheus skips them). */
  public ExpositionParser keepCreatedSeries(boolean keep) {
    this.keepCreated = keep;
    return this;
  }

  /** Parses {@code buf[off, off+len)} and calls the visitor; stops at the first error. */
  public void parse(byte[] buf, int off, int len, Format format, SampleVisitor visitor) throws ExpositionParseException {
    if (off < 0 || len < 0 || off + len > buf.length) {
      throw new IllegalArgumentException("range [" + off + ", " + (off + len) + ") outside a buffer of " + buf.length);
    }
    boolean om = format == Format.OPENMETRICS_1_0;
    view.buf = buf;
    familyName = "";
    familyType = MetricType.UNKNOWN;
    sawEof = false;
    line = 0;
    int end = off + len;
    int pos = off;
    while (pos < end) {
      line++;
      int eol = pos;
      while (eol < end && buf[eol] != '\n') {
        eol++;
      }
      if (sawEof) {
        throw error("unexpected data after # EOF");
      }
      int lineEnd = eol;
      if (!om && lineEnd > pos && buf[lineEnd - 1] == '\r') {
        lineEnd--;
      }
      parseLine(buf, pos, lineEnd, om, visitor);
      pos = eol + 1;
    }
    if (om && !sawEof) {
      throw new ExpositionParseException(Math.max(line, 1), "data does not end with # EOF");
    }
  }

  /** Parses a whole array. */
  public void parse(byte[] buf, Format format, SampleVisitor visitor) throws ExpositionParseException {
    parse(buf, 0, buf.length, format, visitor);
  }

  /** Convenience: parses everything into samples with {@link io.strata.schemas.model.Labels} and metadata. */
  public static ParsedExposition collect(byte[] buf, Format format) throws ExpositionParseException {
    List<ParsedSample> samples = new ArrayList<>();
    Map<String, String[]> meta = new LinkedHashMap<>(); // name -> {type, help, unit}
    Map<String, MetricType> types = new LinkedHashMap<>();
    new ExpositionParser().parse(buf, format, new SampleVisitor() {
      @Override
      public void help(String family, String help) {
        meta.computeIfAbsent(family, k -> new String[3])[1] = help;
      }

      @Override
      public void type(String family, MetricType type) {
        meta.computeIfAbsent(family, k -> new String[3]);
        types.put(family, type);
      }

      @Override
      public void unit(String family, String unit) {
        meta.computeIfAbsent(family, k -> new String[3])[2] = unit;
      }

      @Override
      public void sample(SampleView s) {
        samples.add(s.toParsedSample());
      }
    });
    List<FamilyMetadata> families = new ArrayList<>(meta.size());
    for (var e : meta.entrySet()) {
      families.add(new FamilyMetadata(e.getKey(), types.get(e.getKey()), e.getValue()[1], e.getValue()[2]));
    }
    return new ParsedExposition(samples, families);
  }

  private void parseLine(byte[] b, int s, int e, boolean om, SampleVisitor v) throws ExpositionParseException {
    if (om) {
      if (s == e) {
        throw error("unexpected empty line");
      }
      if (b[s] == '#') {
        parseOpenMetricsComment(b, s, e, v);
        return;
      }
      parseSample(b, s, e, true, v);
      return;
    }
    int i = skipBlank(b, s, e);
    if (i == e) {
      return; // empty lines are ignored in 0.0.4
    }
    if (b[i] == '#') {
      parseTextComment(b, i + 1, e, v);
      return;
    }
    parseSample(b, i, e, false, v);
  }

  // ---- comments and metadata ----

  private void parseTextComment(byte[] b, int s, int e, SampleVisitor v) throws ExpositionParseException {
    int i = skipBlank(b, s, e);
    int w = tokenEnd(b, i, e);
    boolean help = isWord(b, i, w, "HELP");
    if (!help && !isWord(b, i, w, "TYPE")) {
      return; // an ordinary comment
    }
    i = skipBlank(b, w, e);
    int nameEnd = metricNameEnd(b, i, e);
    if (nameEnd == i || (nameEnd < e && b[nameEnd] != ' ' && b[nameEnd] != '\t')) {
      throw error("invalid metric name in " + (help ? "HELP" : "TYPE") + " line: " + quote(b, i, tokenEnd(b, i, e)));
    }
    String name = ascii(b, i, nameEnd);
    if (help) {
      int t = nameEnd < e ? nameEnd + 1 : e; // one separator; the rest (leading blanks of the text excepted) is the text
      t = skipBlank(b, t, e);
      v.help(name, unescapeHelp(b, t, e, false));
      return;
    }
    int t = skipBlank(b, nameEnd, e);
    int te = tokenEnd(b, t, e);
    if (skipBlank(b, te, e) != e || t == te) {
      throw error("expected exactly one type after metric name in TYPE line, got " + quote(b, t, e));
    }
    MetricType type = MetricType.parse(ascii(b, t, te), Format.PROMETHEUS_TEXT_0_0_4);
    if (type == null) {
      throw error("unknown metric type " + quote(b, t, te));
    }
    familyName = name;
    familyType = type;
    v.type(name, type);
  }

  private void parseOpenMetricsComment(byte[] b, int s, int e, SampleVisitor v) throws ExpositionParseException {
    if (e - s == 5 && isWord(b, s, e, "# EOF")) {
      sawEof = true;
      return;
    }
    if (e - s < 2 || b[s + 1] != ' ') {
      throw error("invalid comment line " + quote(b, s, e) + " (OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF)");
    }
    int w = tokenEnd(b, s + 2, e);
    int kind = isWord(b, s + 2, w, "HELP") ? 0 : isWord(b, s + 2, w, "TYPE") ? 1 : isWord(b, s + 2, w, "UNIT") ? 2 : -1;
    if (kind < 0) {
      throw error("invalid comment line " + quote(b, s, e) + " (OpenMetrics allows only # HELP, # TYPE, # UNIT and # EOF)");
    }
    if (w >= e || b[w] != ' ') {
      throw error("expected metric name after " + ascii(b, s + 2, w));
    }
    int i = w + 1;
    int nameEnd = metricNameEnd(b, i, e);
    if (nameEnd == i || (nameEnd < e && b[nameEnd] != ' ')) {
      throw error("invalid metric name in " + ascii(b, s + 2, w) + " line: " + quote(b, i, tokenEnd(b, i, e)));
    }
    String name = ascii(b, i, nameEnd);
    int t = nameEnd < e ? nameEnd + 1 : e;
    switch (kind) {
      case 0 -> v.help(name, unescapeHelp(b, t, e, true));
      case 1 -> {
        MetricType type = MetricType.parse(new String(b, t, e - t, StandardCharsets.UTF_8), Format.OPENMETRICS_1_0);
        if (type == null) {
          throw error("unknown metric type " + quote(b, t, e));
        }
        familyName = name;
        familyType = type;
        v.type(name, type);
      }
      default -> {
        String unit = new String(b, t, e - t, StandardCharsets.UTF_8);
        if (!unit.isEmpty() && !name.endsWith("_" + unit)) {
          throw error("unit " + quote(unit) + " not a suffix of metric " + quote(name));
        }
        v.unit(name, unit);
      }
    }
  }

  private String unescapeHelp(byte[] b, int s, int e, boolean om) {
    int bs = indexOf(b, s, e, (byte) '\\');
    if (bs < 0) {
      return new String(b, s, e - s, StandardCharsets.UTF_8);
    }
    scratchLen = 0;
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < e) {
        byte n = b[i + 1];
        if (n == '\\' || n == 'n' || (om && n == '"')) {
          putScratch(n == 'n' ? (byte) '\n' : n);
          i++;
          continue;
        }
      }
      putScratch(c);
    }
    return new String(scratch, 0, scratchLen, StandardCharsets.UTF_8);
  }

  // ---- samples ----

  private void parseSample(byte[] b, int s, int e, boolean om, SampleVisitor v) throws ExpositionParseException {
    SampleView sv = view;
    int nameEnd = metricNameEnd(b, s, e);
    if (nameEnd == s) {
      throw error("invalid metric name, got " + quote(b, s, tokenEnd(b, s, e)));
    }
    sv.seriesStart = s;
    sv.nameEnd = nameEnd;
    sv.labelCount = 0;
    scratchLen = 0;
    int i = nameEnd;
    int brace = om ? i : skipBlank(b, i, e);
    if (brace < e && b[brace] == '{') {
      i = parseLabels(b, brace + 1, e, om);
      sv.seriesEnd = i;
    } else {
      sv.seriesEnd = nameEnd;
      if (i < e && b[i] != ' ' && b[i] != '\t') {
        throw error("invalid metric name, got " + quote(b, s, tokenEnd(b, s, e)));
      }
    }
    // value
    if (i >= e || (b[i] != ' ' && !(b[i] == '\t' && !om))) {
      throw error("expected value after metric, got " + (i >= e ? "end of line" : quote(b, i, tokenEnd(b, i, e))));
    }
    i = om ? i + 1 : skipBlank(b, i, e);
    int ve = tokenEnd(b, i, e);
    double value = NumberParser.parseDouble(b, i, ve);
    if (NumberParser.isInvalid(value)) {
      throw error("invalid value " + quote(b, i, ve) + " for metric " + quote(b, s, nameEnd));
    }
    sv.value = value;
    sv.timestampMs = ParsedSample.NO_TIMESTAMP;
    i = om ? ve : skipBlank(b, ve, e);
    if (om && i < e) {
      i++; // the single space after the value
    }
    if (i < e && b[i] != '#') {
      int te = tokenEnd(b, i, e);
      if (om) {
        double ts = NumberParser.parseDouble(b, i, te);
        if (NumberParser.isInvalid(ts) || Double.isNaN(ts) || Double.isInfinite(ts)) {
          throw error("invalid timestamp " + quote(b, i, te));
        }
        sv.timestampMs = (long) (ts * 1000);
      } else {
        if (!NumberParser.parseLong(b, i, te, longOut)) {
          throw error("invalid timestamp " + quote(b, i, te));
        }
        sv.timestampMs = longOut[0];
      }
      i = om ? te : skipBlank(b, te, e);
      if (om && i < e) {
        i++;
      }
    }
    if (i < e) {
      if (om && b[i] == '#') {
        checkExemplar(b, i, e);
      } else {
        throw error("expected end of line after sample, got " + quote(b, i, e));
      }
    }
    sv.familyType = sampleBelongsToFamily(b, s, nameEnd) ? familyType : MetricType.UNKNOWN;
    if (om && !keepCreated && isCreatedSeries(b, s, nameEnd)) {
      return;
    }
    v.sample(sv);
  }

  /** Parses {@code name="value",...}} starting after the brace; returns the index after the closing brace. */
  private int parseLabels(byte[] b, int i, int e, boolean om) throws ExpositionParseException {
    SampleView sv = view;
    int n = 0;
    while (true) {
      if (!om) {
        i = skipBlank(b, i, e);
      }
      if (i >= e) {
        throw error("unexpected end of line in label set");
      }
      if (b[i] == '}') {
        sv.labelCount = n;
        return i + 1;
      }
      int ns = i;
      int ne = labelNameEnd(b, i, e);
      if (ne == ns) {
        throw error("invalid label name, got " + quote(b, ns, tokenEnd(b, ns, e)));
      }
      checkDuplicate(b, ns, ne, n);
      i = om ? ne : skipBlank(b, ne, e);
      if (i >= e || b[i] != '=') {
        throw error("expected equal sign after label name " + quote(b, ns, ne) + ", got "
            + (i >= e ? "end of line" : quote(b, i, i + 1)));
      }
      i++;
      if (!om) {
        i = skipBlank(b, i, e);
      }
      if (i >= e || b[i] != '"') {
        throw error("expected quoted label value for label " + quote(b, ns, ne));
      }
      i++;
      sv.ensureLabelCapacity(n + 1);
      sv.nameStarts[n] = ns;
      sv.nameEnds[n] = ne;
      int vs = i;
      boolean escaped = false;
      while (i < e && b[i] != '"') {
        if (b[i] == '\\') {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= e) {
        throw error("unterminated label value for label " + quote(b, ns, ne));
      }
      if (escaped) {
        int start = scratchLen;
        unescapeLabelValue(b, vs, i);
        sv.valueBufs[n] = null; // set after the loop: scratch may still grow
        sv.valueStarts[n] = start;
        sv.valueEnds[n] = scratchLen;
      } else {
        sv.valueBufs[n] = b;
        sv.valueStarts[n] = vs;
        sv.valueEnds[n] = i;
      }
      n++;
      i++; // closing quote
      if (!om) {
        i = skipBlank(b, i, e);
      }
      if (i < e && b[i] == ',') {
        i++;
        continue;
      }
      if (i < e && b[i] == '}') {
        sv.labelCount = n;
        for (int k = 0; k < n; k++) {
          if (sv.valueBufs[k] == null) {
            sv.valueBufs[k] = scratch;
          }
        }
        return i + 1;
      }
      throw error("expected comma or closing brace after label value, got " + (i >= e ? "end of line" : quote(b, i, i + 1)));
    }
  }

  private void unescapeLabelValue(byte[] b, int s, int e) {
    for (int i = s; i < e; i++) {
      byte c = b[i];
      if (c == '\\' && i + 1 < e) {
        byte n = b[i + 1];
        if (n == '\\' || n == '"' || n == 'n') {
          putScratch(n == 'n' ? (byte) '\n' : n);
          i++;
          continue;
        }
      }
      putScratch(c);
    }
  }

  private void checkDuplicate(byte[] b, int ns, int ne, int n) throws ExpositionParseException {
    int len = ne - ns;
    if (len == 8 && isWord(b, ns, ne, "__name__")) {
      throw error("label name \"__name__\" is not unique");
    }
    SampleView sv = view;
    outer:
    for (int k = 0; k < n; k++) {
      if (sv.nameEnds[k] - sv.nameStarts[k] != len) {
        continue;
      }
      int o = sv.nameStarts[k];
      for (int j = 0; j < len; j++) {
        if (b[o + j] != b[ns + j]) {
          continue outer;
        }
      }
      throw error("label name " + quote(b, ns, ne) + " is not unique");
    }
  }

  /** Checks the shape {@code # {labels} value [timestamp]} of an exemplar; its content is dropped. */
  private void checkExemplar(byte[] b, int i, int e) throws ExpositionParseException {
    if (i + 2 >= e || b[i + 1] != ' ' || b[i + 2] != '{') {
      throw error("invalid exemplar, expected \"# {\", got " + quote(b, i, e));
    }
    int close = i + 3;
    boolean inQuote = false;
    for (; close < e; close++) {
      byte c = b[close];
      if (inQuote && c == '\\') {
        close++;
      } else if (c == '"') {
        inQuote = !inQuote;
      } else if (!inQuote && c == '}') {
        break;
      }
    }
    if (close >= e || close + 1 >= e || b[close + 1] != ' ') {
      throw error("invalid exemplar, expected a value after the label set, got " + quote(b, i, e));
    }
    int vs = close + 2;
    int ve = tokenEnd(b, vs, e);
    if (NumberParser.isInvalid(NumberParser.parseDouble(b, vs, ve))) {
      throw error("invalid exemplar value " + quote(b, vs, ve));
    }
    if (ve < e) {
      int ts = ve + 1;
      int te = tokenEnd(b, ts, e);
      if (te != e || NumberParser.isInvalid(NumberParser.parseDouble(b, ts, te))) {
        throw error("invalid exemplar timestamp " + quote(b, ts, e));
      }
    }
  }

  private boolean sampleBelongsToFamily(byte[] b, int s, int nameEnd) {
    String f = familyName;
    int fl = f.length();
    if (fl == 0 || nameEnd - s < fl) {
      return false;
    }
    for (int k = 0; k < fl; k++) {
      if (b[s + k] != f.charAt(k)) {
        return false;
      }
    }
    return nameEnd - s == fl || b[s + fl] == '_'; // the family itself or a suffixed sample (_total, _bucket, ...)
  }

  private boolean isCreatedSeries(byte[] b, int s, int nameEnd) {
    MetricType t = familyType;
    if (t != MetricType.COUNTER && t != MetricType.HISTOGRAM && t != MetricType.SUMMARY) {
      return false;
    }
    int fl = familyName.length();
    return nameEnd - s == fl + 8 && sampleBelongsToFamily(b, s, nameEnd) && isWord(b, s + fl, nameEnd, "_created");
  }

  // ---- lexical helpers ----

  private void putScratch(byte c) {
    if (scratchLen == scratch.length) {
      byte[] bigger = new byte[scratch.length * 2];
      System.arraycopy(scratch, 0, bigger, 0, scratchLen);
      // Values already written point at the old array; repoint them.
      for (int k = 0; k < view.valueBufs.length; k++) {
        if (view.valueBufs[k] == scratch) {
          view.valueBufs[k] = bigger;
        }
      }
      scratch = bigger;
    }
    scratch[scratchLen++] = c;
  }

  private static int metricNameEnd(byte[] b, int i, int e) {
    int s = i;
    while (i < e) {
      byte c = b[i];
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' || (i > s && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      i++;
    }
    return i;
  }

  private static int labelNameEnd(byte[] b, int i, int e) {
    int s = i;
    while (i < e) {
      byte c = b[i];
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > s && c >= '0' && c <= '9');
      if (!ok) {
        break;
      }
      i++;
    }
    return i;
  }

  private static int skipBlank(byte[] b, int i, int e) {
    while (i < e && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  private static int tokenEnd(byte[] b, int i, int e) {
    while (i < e && b[i] != ' ' && b[i] != '\t') {
      i++;
    }
    return i;
  }

  private static int indexOf(byte[] b, int s, int e, byte c) {
    for (int i = s; i < e; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isWord(byte[] b, int s, int e, String w) {
    if (e - s != w.length()) {
      return false;
    }
    for (int k = 0; k < w.length(); k++) {
      if (b[s + k] != w.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] b, int s, int e) {
    return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
  }

  private static String quote(byte[] b, int s, int e) {
    return quote(new String(b, s, Math.max(0, e - s), StandardCharsets.UTF_8));
  }

  private static String quote(String s) {
    if (s.length() > 60) {
      s = s.substring(0, 60) + "...";
    }
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private ExpositionParseException error(String detail) {
    return new ExpositionParseException(line, detail);
  }
}
