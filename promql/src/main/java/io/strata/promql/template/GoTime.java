package io.strata.promql.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** Go's {@code time.Time} in UTC as Prometheus's template functions produce it. */
final class GoTime {
  private GoTime() {}

  /** time.Time.String(): {@code 2006-01-02 15:04:05.999999999 -0700 MST}. */
  static String string(Instant t) {
    return format(t, "2006-01-02 15:04:05.999999999 -0700 MST");
  }

  /** time.Time.Format for the layout elements of Go's time package (UTC only). */
  static String format(Instant t, String layout) {
    ZonedDateTime z = t.atZone(ZoneOffset.UTC);
    StringBuilder sb = new StringBuilder();
    int i = 0;
    while (i < layout.length()) {
      String rest = layout.substring(i);
      String[][] elems = {
          {"January", null}, {"Jan", null}, {"Monday", null}, {"Mon", null}, {"MST", null},
          {"2006", null}, {"-07:00:00", null}, {"-0700", null}, {"-07:00", null}, {"-07", null},
          {"Z07:00:00", null}, {"Z0700", null}, {"Z07:00", null}, {"Z07", null},
          {"002", null}, {"01", null}, {"02", null}, {"03", null}, {"04", null}, {"05", null}, {"06", null},
          {"15", null}, {"_2", null}, {"PM", null}, {"pm", null}, {"1", null}, {"2", null}, {"3", null},
          {"4", null}, {"5", null}};
      String match = null;
      for (String[] e : elems) {
        if (rest.startsWith(e[0])) {
          match = e[0];
          break;
        }
      }
      if (match == null && (rest.startsWith(".0") || rest.startsWith(".9") || rest.startsWith(",0")
          || rest.startsWith(",9"))) {
        char d = rest.charAt(1);
        int n = 1;
        while (n < rest.length() && rest.charAt(n) == d) {
          n++;
        }
        if (n >= rest.length() || !Character.isDigit(rest.charAt(n))) {
          int digits = n - 1;
          String frac = String.format("%09d", z.getNano()).substring(0, Math.min(9, digits));
          if (d == '9') {
            int end = frac.length();
            while (end > 0 && frac.charAt(end - 1) == '0') {
              end--;
            }
            if (end > 0) {
              sb.append(rest.charAt(0)).append(frac, 0, end);
            }
          } else {
            sb.append(rest.charAt(0)).append(frac);
          }
          i += n;
          continue;
        }
      }
      if (match == null) {
        sb.append(layout.charAt(i));
        i++;
        continue;
      }
      i += match.length();
      switch (match) {
        case "January" -> sb.append(z.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case "Jan" -> sb.append(z.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case "Monday" -> sb.append(z.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
        case "Mon" -> sb.append(z.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
        case "MST" -> sb.append("UTC");
        case "2006" -> sb.append(String.format("%04d", z.getYear()));
        case "06" -> sb.append(String.format("%02d", Math.floorMod(z.getYear(), 100)));
        case "-07:00:00" -> sb.append("+00:00:00");
        case "-0700" -> sb.append("+0000");
        case "-07:00" -> sb.append("+00:00");
        case "-07" -> sb.append("+00");
        case "Z07:00:00", "Z0700", "Z07:00", "Z07" -> sb.append('Z');
        case "002" -> sb.append(String.format("%03d", z.getDayOfYear()));
        case "01" -> sb.append(String.format("%02d", z.getMonthValue()));
        case "1" -> sb.append(z.getMonthValue());
        case "02" -> sb.append(String.format("%02d", z.getDayOfMonth()));
        case "2" -> sb.append(z.getDayOfMonth());
        case "_2" -> sb.append(String.format("%2d", z.getDayOfMonth()));
        case "15" -> sb.append(String.format("%02d", z.getHour()));
        case "03" -> sb.append(String.format("%02d", hour12(z.getHour())));
        case "3" -> sb.append(hour12(z.getHour()));
        case "04" -> sb.append(String.format("%02d", z.getMinute()));
        case "4" -> sb.append(z.getMinute());
        case "05" -> sb.append(String.format("%02d", z.getSecond()));
        case "5" -> sb.append(z.getSecond());
        case "PM" -> sb.append(z.getHour() >= 12 ? "PM" : "AM");
        case "pm" -> sb.append(z.getHour() >= 12 ? "pm" : "am");
        default -> throw new IllegalStateException("BUG: layout element " + match);
      }
    }
    return sb.toString();
  }

  private static int hour12(int h) {
    int r = h % 12;
    return r == 0 ? 12 : r;
  }
}
