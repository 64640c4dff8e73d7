package io.strata.ingest.exposition;

/** TYPE, HELP and UNIT of one metric family; help and unit are empty strings when absent. */
public record FamilyMetadata(String name, MetricType type, String help, String unit) {
  public FamilyMetadata {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("family name must not be empty");
    }
    type = type == null ? MetricType.UNKNOWN : type;
    help = help == null ? "" : help;
    unit = unit == null ? "" : unit;
  }
}
