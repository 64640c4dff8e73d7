package io.strata.promql.engine;

/**
 * Functions over one series' window ({@code t[from..to)}, {@code v[from..to)}, stale markers removed),
 * with Prometheus 2.x's arithmetic. Callers guarantee at least {@link #minPoints(String)} points.
 */
final class RangeFunctions {
  private RangeFunctions() {}

  /** Points a function needs to produce a value; fewer and the series is dropped from the result. */
  static int minPoints(String fn) {
    return switch (fn) {
      case "rate", "increase", "delta", "irate", "idelta", "deriv", "predict_linear", "holt_winters" -> 2;
      default -> 1;
    };
  }

  /**
   * rate, increase and delta: the change over the window, extrapolated towards the window's edges
   * unless the first or last sample is more than 1.1 average intervals away (then by half an interval);
   * a counter is not extrapolated below zero.
   */
  static double extrapolatedRate(long[] t, double[] v, int from, int to, long rangeStart, long rangeEnd,
      long rangeMs, boolean isCounter, boolean isRate) {
    double result = v[to - 1] - v[from];
    if (isCounter) {
      double prev = v[from];
      for (int i = from + 1; i < to; i++) {
        double cur = v[i];
        if (cur < prev) {
          result += prev;
        }
        prev = cur;
      }
    }
    return extrapolate(t, v, from, to, rangeStart, rangeEnd, rangeMs, isCounter, isRate, result);
  }

  /**
   * The indices {@code i} in {@code (from, to)} where {@code v[i] < v[i - 1]}, increasing: the counter resets
   * of the part of a series any window reaches, so a window's reset correction adds {@code v[i - 1]} for the
   * resets inside it only, in the same order as {@link #extrapolatedRate}'s loop (identical result).
   */
  static int[] resetIndices(double[] v, int from, int to) {
    int count = 0;
    for (int i = from + 1; i < to; i++) {
      if (v[i] < v[i - 1]) {
        count++;
      }
    }
    int[] out = new int[count];
    int k = 0;
    for (int i = from + 1; i < to; i++) {
      if (v[i] < v[i - 1]) {
        out[k++] = i;
      }
    }
    return out;
  }

  /**
   * The extrapolation of {@link #extrapolatedRate} applied to {@code result}, the window's (reset-corrected)
   * change.
   */
  static double extrapolate(long[] t, double[] v, int from, int to, long rangeStart, long rangeEnd,
      long rangeMs, boolean isCounter, boolean isRate, double result) {
    return extrapolate(t[from], v[from], t[to - 1], to - from, rangeStart, rangeEnd, rangeMs, isCounter, isRate, result);
  }

  /**
   * The extrapolation from the window's first sample ({@code firstT}, {@code firstV}), its last sample's
   * time and its number of samples (at least 2): all it reads, so a summary of the window gives the same value.
   */
  static double extrapolate(long firstT, double firstV, long lastT, long count, long rangeStart, long rangeEnd,
      long rangeMs, boolean isCounter, boolean isRate, double result) {
    double durationToStart = (firstT - rangeStart) / 1000.0;
    double durationToEnd = (rangeEnd - lastT) / 1000.0;
    double sampledInterval = (lastT - firstT) / 1000.0;
    double averageDurationBetweenSamples = sampledInterval / (count - 1);
    if (isCounter && result > 0 && firstV >= 0) {
      // where the counter would have been zero, if it went up steadily
      double durationToZero = sampledInterval * (firstV / result);
      if (durationToZero < durationToStart) {
        durationToStart = durationToZero;
      }
    }
    double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
    double extrapolateToInterval = sampledInterval;
    extrapolateToInterval += durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
    extrapolateToInterval += durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
    double factor = extrapolateToInterval / sampledInterval;
    if (isRate) {
      factor /= rangeMs / 1000.0;
    }
    return result * factor;
  }

  /** irate and idelta: from the last two samples; irate treats a decrease as a counter reset. */
  static double instantValue(long[] t, double[] v, int from, int to, boolean isRate) {
    double last = v[to - 1];
    double prev = v[to - 2];
    double result = isRate && last < prev ? last : last - prev;
    if (isRate) {
      result /= (t[to - 1] - t[to - 2]) / 1000.0;
    }
    return result;
  }

  static double kahanSum(double[] v, int from, int to) {
    double sum = 0;
    double c = 0;
    for (int i = from; i < to; i++) {
      double x = v[i];
      double s = sum + x;
      if (Math.abs(sum) >= Math.abs(x)) {
        c += (sum - s) + x;
      } else {
        c += (x - s) + sum;
      }
      sum = s;
    }
    if (Double.isInfinite(sum)) {
      return sum;
    }
    return sum + c;
  }

  static double avg(double[] v, int from, int to) {
    double mean = 0;
    double count = 0;
    double c = 0;
    for (int i = from; i < to; i++) {
      double x = v[i];
      count++;
      if (Double.isInfinite(mean)) {
        if (Double.isInfinite(x) && (mean > 0) == (x > 0)) {
          continue;
        }
        if (!Double.isInfinite(x) && !Double.isNaN(x)) {
          continue;
        }
      }
      // 2.42: the increments Kahan-summed (Neumaier), the compensation added at the end
      double inc = x / count - mean / count;
      double t = mean + inc;
      if (Math.abs(mean) >= Math.abs(inc)) {
        c += (mean - t) + inc;
      } else {
        c += (inc - t) + mean;
      }
      mean = t;
    }
    return Double.isInfinite(mean) ? mean : mean + c;
  }

  static double max(double[] v, int from, int to) {
    double m = v[from];
    for (int i = from; i < to; i++) {
      if (v[i] > m || Double.isNaN(m)) {
        m = v[i];
      }
    }
    return m;
  }

  static double min(double[] v, int from, int to) {
    double m = v[from];
    for (int i = from; i < to; i++) {
      if (v[i] < m || Double.isNaN(m)) {
        m = v[i];
      }
    }
    return m;
  }

  /** Population variance with compensated running mean and sum of squares. */
  static double variance(double[] v, int from, int to) {
    double count = 0;
    double mean = 0;
    double cMean = 0;
    double aux = 0;
    double cAux = 0;
    for (int i = from; i < to; i++) {
      double x = v[i];
      count++;
      double delta = x - (mean + cMean);
      double inc = delta / count;
      double s = mean + inc;
      cMean += Math.abs(mean) >= Math.abs(inc) ? (mean - s) + inc : (inc - s) + mean;
      mean = s;
      double inc2 = delta * (x - (mean + cMean));
      double s2 = aux + inc2;
      cAux += Math.abs(aux) >= Math.abs(inc2) ? (aux - s2) + inc2 : (inc2 - s2) + aux;
      aux = s2;
    }
    return (aux + cAux) / count;
  }

  static double changes(double[] v, int from, int to) {
    int changes = 0;
    double prev = v[from];
    for (int i = from + 1; i < to; i++) {
      double cur = v[i];
      if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
        changes++;
      }
      prev = cur;
    }
    return changes;
  }

  static double resets(double[] v, int from, int to) {
    int resets = 0;
    double prev = v[from];
    for (int i = from + 1; i < to; i++) {
      double cur = v[i];
      if (cur < prev) {
        resets++;
      }
      prev = cur;
    }
    return resets;
  }

  /** Least-squares fit {slope per second, intercept at interceptTime}; Kahan-summed. */
  static double[] linearRegression(long[] t, double[] v, int from, int to, long interceptTime) {
    double n = 0;
    double sumX = 0;
    double cX = 0;
    double sumY = 0;
    double cY = 0;
    double sumXY = 0;
    double cXY = 0;
    double sumX2 = 0;
    double cX2 = 0;
    double initY = v[from];
    boolean constY = true;
    for (int i = from; i < to; i++) {
      double y = v[i];
      if (constY && i > from && y != initY) {
        constY = false;
      }
      n += 1;
      double x = (t[i] - interceptTime) / 1e3;
      double s;
      s = sumX + x;
      cX += Math.abs(sumX) >= Math.abs(x) ? (sumX - s) + x : (x - s) + sumX;
      sumX = s;
      s = sumY + y;
      cY += Math.abs(sumY) >= Math.abs(y) ? (sumY - s) + y : (y - s) + sumY;
      sumY = s;
      double xy = x * y;
      s = sumXY + xy;
      cXY += Math.abs(sumXY) >= Math.abs(xy) ? (sumXY - s) + xy : (xy - s) + sumXY;
      sumXY = s;
      double x2 = x * x;
      s = sumX2 + x2;
      cX2 += Math.abs(sumX2) >= Math.abs(x2) ? (sumX2 - s) + x2 : (x2 - s) + sumX2;
      sumX2 = s;
    }
    if (constY) {
      if (Double.isInfinite(initY)) {
        return new double[] {Double.NaN, Double.NaN};
      }
      return new double[] {0, initY};
    }
    sumX += cX;
    sumY += cY;
    sumXY += cXY;
    sumX2 += cX2;
    double covXY = sumXY - sumX * sumY / n;
    double varX = sumX2 - sumX * sumX / n;
    double slope = covXY / varX;
    double intercept = sumY / n - slope * sumX / n;
    return new double[] {slope, intercept};
  }

  /** Double exponential smoothing; factors already validated to lie in (0, 1). */
  static double holtWinters(double[] v, int from, int to, double sf, double tf) {
    double s0 = 0;
    double s1 = v[from];
    double b = v[from + 1] - v[from];
    for (int i = from + 1; i < to; i++) {
      double x = sf * v[i];
      int k = i - from - 1;
      if (k != 0) {
        b = tf * (s1 - s0) + (1 - tf) * b;
      }
      double y = (1 - sf) * (s1 + b);
      s0 = s1;
      s1 = x + y;
    }
    return s1;
  }
}
