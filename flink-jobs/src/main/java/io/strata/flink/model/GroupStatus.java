package io.strata.flink.model;

/**
 * A rule group's status as the evaluator emits it after its evaluations: its key ({@code tenant/namespace/group})
 * and a binary Avro {@code io.strata.avro.RuleGroupStatus} (no registry), or null when the group was removed
 * (the sink writes a tombstone). A Flink POJO, so the stream needs neither Avro nor Kryo inside Flink.
 */
public class GroupStatus {
  public String key;
  public byte[] avro;

  public GroupStatus() {}

  public GroupStatus(String key, byte[] avro) {
    this.key = key;
    this.avro = avro;
  }

  public boolean isTombstone() {
    return avro == null;
  }

  @Override
  public String toString() {
    return key + (avro == null ? " removed" : " (" + avro.length + " bytes)");
  }
}
