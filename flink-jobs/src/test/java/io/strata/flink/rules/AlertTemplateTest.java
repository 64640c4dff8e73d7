package io.strata.flink.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlertTemplateTest {
  static final String[] SERIES = {"__name__", "up", "instance", "db-1:9100", "job", "db"};

  static String expand(String t, double v) {
    return AlertTemplate.parse(t).expand(SERIES, v);
  }

  @Test
  void valueAndLabelsExpand() {
    assertEquals("db-1:9100 of db is down (value 0)", expand("{{ $labels.instance }} of {{$labels.job}} is down (value {{ $value }})", 0));
    assertEquals("db / 2.5", expand("{{ .Labels.job }} / {{ .Value }}", 2.5));
    assertEquals("metric up", expand("metric {{ index $labels \"__name__\" }}", 1));
  }

  @Test
  void missingLabelExpandsToEmpty() {
    assertEquals("team=", expand("team={{ $labels.team }}", 1));
  }

  @Test
  void trimMarkersRemoveWhitespace() {
    assertEquals("a0b", expand("a  {{- $value -}}  b", 0));
  }

  @Test
  void unsupportedActionsStayVerbatimAndAreReported() {
    AlertTemplate t = AlertTemplate.parse("{{ $value | humanize }} on {{ $labels.job }}");
    assertEquals("{{ $value | humanize }} on db", t.expand(SERIES, 1));
    assertEquals(List.of("{{ $value | humanize }}"), t.unsupportedActions());
  }

  @Test
  void unclosedActionIsKeptAsText() {
    AlertTemplate t = AlertTemplate.parse("value {{ $value");
    assertEquals("value {{ $value", t.expand(SERIES, 1));
    assertTrue(t.unsupportedActions().get(0).contains("no closing"));
  }

  @Test
  void plainTextIsUnchanged() {
    assertTrue(AlertTemplate.parse("no actions here").isPlain());
    assertEquals("no actions here", expand("no actions here", 1));
  }
}
