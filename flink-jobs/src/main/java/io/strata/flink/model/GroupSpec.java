package io.strata.flink.model;

/**
 * A rule group as the job carries it: its key ({@code tenant/namespace/group}), where it came from, a
 * version, and the group itself as binary Avro {@code io.strata.avro.RuleGroup} (null: the group was
 * deleted). Rule files give version 0; a group from {@code metrics.rules} has its record offset + 1 (offsets
 * of one key only grow: a key always lands on the same partition), so the newest update of a key wins and a
 * pushed group overrides a file group of the same key.
 */
public class GroupSpec implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  public String key;
  public String tenant;
  public boolean fromFile;
  public long version;
  public byte[] avro;

  public GroupSpec() {}

  public GroupSpec(String key, String tenant, boolean fromFile, long version, byte[] avro) {
    this.key = key;
    this.tenant = tenant;
    this.fromFile = fromFile;
    this.version = version;
    this.avro = avro;
  }

  /**
   * The element the rules stream starts with after every start ({@code RulesWatermark}): the router announces
   * the rule files' groups on it, so they start even on a samples topic without records.
   */
  public static GroupSpec started() {
    return new GroupSpec("", "", true, -1, null);
  }

  public boolean isStarted() {
    return key.isEmpty();
  }

  public boolean isDelete() {
    return avro == null;
  }

  public boolean sameContent(GroupSpec o) {
    return o != null && fromFile == o.fromFile && java.util.Arrays.equals(avro, o.avro);
  }

  @Override
  public String toString() {
    return key + (fromFile ? " (file)" : " (topic v" + version + ")") + (avro == null ? " deleted" : "");
  }
}
