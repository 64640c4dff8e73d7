package io.strata.promql.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/** The methods reachable from templates ({@code time.Time}'s) and the values that are fmt.Stringers. */
final class Methods {
  private Methods() {}

  private static final String NIL_DEREF = "runtime error: invalid memory address or nil pointer dereference";

  /** The method {@code name} of the value (after indirection), or null. */
  static GoFunc find(GoValue r, String name) {
    boolean isTime = r.type() == GoType.TIME || r.type() == GoType.PTR_TIME;
    if (!isTime) {
      return null;
    }
    Instant t = r.type() == GoType.TIME ? (Instant) r.v() : null;
    return switch (name) {
      case "Unix" -> GoFunc.of(name, a -> new GoValue(GoType.INT64, time(t).getEpochSecond()));
      case "UnixMilli" -> GoFunc.of(name, a -> new GoValue(GoType.INT64, time(t).toEpochMilli()));
      case "UnixNano" -> GoFunc.of(name, a -> new GoValue(GoType.INT64,
          time(t).getEpochSecond() * 1_000_000_000L + time(t).getNano()));
      case "String" -> GoFunc.of(name, a -> GoValue.str(GoTime.string(time(t))));
      case "Format" -> GoFunc.of(name, a -> GoValue.str(GoTime.format(time(t), a[0].s())), GoType.STRING);
      case "UTC" -> GoFunc.of(name, a -> new GoValue(GoType.TIME, time(t)));
      case "IsZero" -> GoFunc.of(name, a -> GoValue.bool(time(t).equals(Instant.parse("0001-01-01T00:00:00Z"))));
      case "Year" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getYear()));
      case "Month" -> GoFunc.of(name, a -> new GoValue(GoType.TIME_MONTH, (long) utc(t).getMonthValue()));
      case "Day" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getDayOfMonth()));
      case "YearDay" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getDayOfYear()));
      case "Weekday" -> GoFunc.of(name, a -> new GoValue(GoType.TIME_WEEKDAY,
          (long) (utc(t).getDayOfWeek().getValue() % 7)));
      case "Hour" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getHour()));
      case "Minute" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getMinute()));
      case "Second" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getSecond()));
      case "Nanosecond" -> GoFunc.of(name, a -> GoValue.integer(utc(t).getNano()));
      default -> null;
    };
  }

  private static Instant time(Instant t) throws GoFunc.FuncError {
    if (t == null) {
      throw new GoFunc.FuncError(NIL_DEREF);
    }
    return t;
  }

  private static ZonedDateTime utc(Instant t) throws GoFunc.FuncError {
    return time(t).atZone(ZoneOffset.UTC);
  }

  /** The String() of a fmt.Stringer value, or null when the value is none. */
  static String stringer(GoValue v) {
    if (v.type() == GoType.TIME) {
      return GoTime.string((Instant) v.v());
    }
    if (v.type() == GoType.PTR_TIME) {
      return v.v() == null ? "<nil>" : GoTime.string((Instant) v.elem().v());
    }
    if (v.type() == GoType.TIME_MONTH) {
      long m = v.l();
      if (m >= 1 && m <= 12) {
        return java.time.Month.of((int) m).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      }
      return "%!Month(" + m + ")";
    }
    if (v.type() == GoType.TIME_WEEKDAY) {
      long d = v.l();
      if (d >= 0 && d <= 6) {
        return java.time.DayOfWeek.of(d == 0 ? 7 : (int) d).getDisplayName(TextStyle.FULL, Locale.ENGLISH);
      }
      return "%!Weekday(" + d + ")";
    }
    return null;
  }
}
