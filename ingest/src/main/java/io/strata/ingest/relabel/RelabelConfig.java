package io.strata.ingest.relabel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoRegex;
import java.util.List;

/**
 * One entry of {@code relabel_configs} / {@code metric_relabel_configs}, with Prometheus's defaults
 * (separator {@code ;}, regex {@code (.*)}, replacement {@code $1}, action {@code replace}) and
 * Prometheus's validation messages.
 */
public record RelabelConfig(
    List<String> sourceLabels,
    String separator,
    String targetLabel,
    RelabelRegex regex,
    long modulus,
    String replacement,
    RelabelAction action) {

  public static final String DEFAULT_SEPARATOR = ";";
  public static final String DEFAULT_REPLACEMENT = "$1";

  // Prometheus's relabelTarget: a label name that may contain $1 / ${name} references.
  // RE2 like Prometheus's relabelTarget: its nested repetition would backtrack exponentially in java.util.regex
  private static final GoRegex RELABEL_TARGET = GoRegex.anchored("(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+");

  public RelabelConfig {
    sourceLabels = sourceLabels == null ? List.of() : List.copyOf(sourceLabels);
    separator = separator == null ? DEFAULT_SEPARATOR : separator;
    targetLabel = targetLabel == null ? "" : targetLabel;
    regex = regex == null ? RelabelRegex.compile(RelabelRegex.DEFAULT) : regex;
    replacement = replacement == null ? DEFAULT_REPLACEMENT : replacement;
    action = action == null ? RelabelAction.REPLACE : action;
    validate(sourceLabels, separator, targetLabel, regex, modulus, replacement, action);
  }

  /** YAML form: every key optional, as in prometheus.yml. */
  @JsonCreator
  public static RelabelConfig fromYaml(
      @JsonProperty("source_labels") List<String> sourceLabels,
      @JsonProperty("separator") String separator,
      @JsonProperty("target_label") String targetLabel,
      @JsonProperty("regex") String regex,
      @JsonProperty("modulus") Long modulus,
      @JsonProperty("replacement") String replacement,
      @JsonProperty("action") String action) {
    return new RelabelConfig(sourceLabels, separator, targetLabel,
        regex == null ? null : RelabelRegex.compile(regex),
        modulus == null ? 0 : modulus, replacement, action == null ? null : RelabelAction.parse(action));
  }

  /** Builder-style start for code and tests: action with everything else at its default. */
  public static RelabelConfig of(RelabelAction action, List<String> sourceLabels, String regex, String targetLabel, String replacement) {
    return new RelabelConfig(sourceLabels, null, targetLabel, regex == null ? null : RelabelRegex.compile(regex), 0, replacement, action);
  }

  private static void validate(List<String> sourceLabels, String separator, String targetLabel, RelabelRegex regex,
      long modulus, String replacement, RelabelAction action) {
    for (String l : sourceLabels) {
      if (!Labels.isValidName(l)) {
        throw new IllegalArgumentException("\"" + l + "\" is not a valid label name");
      }
    }
    boolean defaultRegex = regex.source().equals(RelabelRegex.DEFAULT);
    boolean defaultReplacement = replacement.equals(DEFAULT_REPLACEMENT);
    if (action == RelabelAction.HASHMOD && modulus == 0) {
      throw new IllegalArgumentException("relabel configuration for hashmod requires non-zero modulus");
    }
    boolean needsTarget = switch (action) {
      case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
      default -> false;
    };
    if (needsTarget && targetLabel.isEmpty()) {
      throw new IllegalArgumentException("relabel configuration for " + action + " action requires 'target_label' value");
    }
    boolean templatedTarget = switch (action) {
      case REPLACE, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
      default -> false;
    };
    if (templatedTarget && !RELABEL_TARGET.matches(targetLabel)) {
      throw new IllegalArgumentException("\"" + targetLabel + "\" is invalid 'target_label' for " + action + " action");
    }
    boolean noReplacement = switch (action) {
      case LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
      default -> false;
    };
    if (noReplacement && !defaultReplacement) {
      throw new IllegalArgumentException("'replacement' can not be set for " + action + " action");
    }
    if (action == RelabelAction.LABELMAP && !RELABEL_TARGET.matches(replacement)) {
      throw new IllegalArgumentException("\"" + replacement + "\" is invalid 'replacement' for " + action + " action");
    }
    if (action == RelabelAction.HASHMOD && !Labels.isValidName(targetLabel)) {
      throw new IllegalArgumentException("\"" + targetLabel + "\" is invalid 'target_label' for " + action + " action");
    }
    if ((action == RelabelAction.DROPEQUAL || action == RelabelAction.KEEPEQUAL)
        && (!defaultRegex || modulus != 0 || !separator.equals(DEFAULT_SEPARATOR) || !defaultReplacement)) {
      throw new IllegalArgumentException(action + " action requires only 'source_labels' and `target_label`, and no other fields");
    }
    if ((action == RelabelAction.LABELDROP || action == RelabelAction.LABELKEEP)
        && (!sourceLabels.isEmpty() || !targetLabel.isEmpty() || modulus != 0 || !separator.equals(DEFAULT_SEPARATOR)
            || !defaultReplacement)) {
      throw new IllegalArgumentException(action + " action requires only 'regex', and no other fields");
    }
  }
}
