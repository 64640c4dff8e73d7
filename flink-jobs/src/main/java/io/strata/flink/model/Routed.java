package io.strata.flink.model;

/**
 * What the router sends to a group's evaluator (keyed by {@link #groupKey}): the samples of one series the
 * group selects, the group's definition (when it is added or changed), or its deletion. Definitions travel
 * in-band with the samples, so the evaluator sees a group's definition and samples in the order one router
 * sent them, and can register and delete the group's timers (possible only in a keyed context).
 */
public class Routed {
  public static final byte SAMPLES = 0;
  public static final byte GROUP = 1;
  public static final byte DELETE = 2;

  public String groupKey;
  public byte kind;
  /** {@link #SAMPLES}: the series. */
  public SeriesSamples series;
  /** {@link #SAMPLES}: written by this job (a rule's output read back), never counted as late. */
  public boolean fromRules;
  /** {@link #GROUP}, {@link #DELETE}: the definition (for a delete, its version and a null body). */
  public GroupSpec spec;

  public Routed() {}

  public static Routed samples(String groupKey, SeriesSamples s, boolean fromRules) {
    Routed r = new Routed();
    r.groupKey = groupKey;
    r.kind = SAMPLES;
    r.series = s;
    r.fromRules = fromRules;
    return r;
  }

  public static Routed group(GroupSpec spec) {
    Routed r = new Routed();
    r.groupKey = spec.key;
    r.kind = spec.isDelete() ? DELETE : GROUP;
    r.spec = spec;
    return r;
  }
}
