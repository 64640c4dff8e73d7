package io.strata.ingest.scrape;

import io.strata.ingest.exposition.SampleView;
import io.strata.ingest.relabel.LabelSetBuilder;
import io.strata.ingest.relabel.Relabeler;
import io.strata.ingest.scrape.config.ScrapeConfig;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Labels of a scraped sample: exposed labels (empty values dropped) merged with the target labels by the
 * honor_labels rules, then metric_relabel_configs; then the label limits. Runs once per new series.
 */
final class SampleLabels {
  private SampleLabels() {}

  static final String EXPORTED_PREFIX = "exported_";

  /** Null when metric relabeling dropped the series (or left no label). */
  static Labels build(SampleView s, Labels target, ScrapeConfig cfg) {
    LabelSetBuilder lb = new LabelSetBuilder();
    lb.set(Labels.METRIC_NAME, s.metricName());
    for (int i = 0; i < s.labelCount(); i++) {
      lb.set(s.labelName(i), s.labelValue(i));
    }
    merge(lb, target, cfg.honorLabels());
    if (!Relabeler.process(lb, cfg.metricRelabelConfigs()) || lb.size() == 0) {
      return null;
    }
    if (!lb.has(Labels.METRIC_NAME)) {
      throw new ScrapeLoop.AbortScrape("missing metric name (__name__ label)");
    }
    return lb.toLabels();
  }

  /**
   * honor_labels true: exposed labels win, target labels fill the gaps. False: target labels win and a
   * clashing exposed label is kept as {@code exported_<name>} (more prefixes while that name is taken).
   */
  static void merge(LabelSetBuilder lb, Labels target, boolean honorLabels) {
    if (honorLabels) {
      for (int i = 0; i < target.size(); i++) {
        if (!lb.has(target.name(i))) {
          lb.set(target.name(i), target.value(i));
        }
      }
      return;
    }
    List<String[]> conflicts = null;
    for (int i = 0; i < target.size(); i++) {
      String existing = lb.get(target.name(i));
      if (!existing.isEmpty()) {
        if (conflicts == null) {
          conflicts = new ArrayList<>();
        }
        conflicts.add(new String[] {target.name(i), existing});
      }
      lb.set(target.name(i), target.value(i));
    }
    if (conflicts != null) {
      conflicts.sort(Comparator.comparingInt(c -> c[0].length()));
      for (String[] c : conflicts) {
        String name = c[0];
        while (true) {
          name = EXPORTED_PREFIX + name;
          if (lb.get(name).isEmpty()) {
            lb.set(name, c[1]);
            break;
          }
        }
      }
    }
  }

  /** label_limit, label_name_length_limit, label_value_length_limit, with Prometheus's messages. */
  static void checkLimits(Labels l, ScrapeConfig cfg) {
    String metric = trunc(String.valueOf(l.metricName()));
    if (cfg.labelLimit() > 0 && l.size() > cfg.labelLimit()) {
      throw new ScrapeLoop.AbortScrape("label_limit exceeded (metric: " + metric + ", number of labels: " + l.size()
          + ", limit: " + cfg.labelLimit() + ")");
    }
    if (cfg.labelNameLengthLimit() == 0 && cfg.labelValueLengthLimit() == 0) {
      return;
    }
    for (int i = 0; i < l.size(); i++) {
      String n = l.name(i);
      String v = l.value(i);
      if (cfg.labelNameLengthLimit() > 0 && n.length() > cfg.labelNameLengthLimit()) {
        throw new ScrapeLoop.AbortScrape("label_name_length_limit exceeded (metric: " + metric + ", label name: " + trunc(n)
            + ", length: " + n.length() + ", limit: " + cfg.labelNameLengthLimit() + ")");
      }
      if (cfg.labelValueLengthLimit() > 0 && v.length() > cfg.labelValueLengthLimit()) {
        throw new ScrapeLoop.AbortScrape("label_value_length_limit exceeded (metric: " + metric + ", label name: " + trunc(n)
            + ", value: \"" + trunc(v) + "\", length: " + v.length() + ", limit: " + cfg.labelValueLengthLimit() + ")");
      }
    }
  }

  private static String trunc(String s) {
    return s.length() > 50 ? s.substring(0, 50) : s;
  }
}
