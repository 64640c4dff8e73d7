package io.strata.ingest.relabel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.strata.schemas.model.Labels;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table of relabel cases: input labels, YAML configs, expected labels (null = dropped). */
class RelabelerTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  static List<RelabelConfig> configs(String yaml) throws Exception {
    return List.of(YAML.readValue(yaml, RelabelConfig[].class));
  }

  static Labels labels(String... nv) {
    return Labels.of(nv);
  }

  static Stream<Arguments> cases() {
    Labels abc = labels("a", "foo", "b", "bar", "c", "baz");
    return Stream.of(
        Arguments.of("replace with defaults copies a source label",
            abc, "- {source_labels: [a], target_label: d}", labels("a", "foo", "b", "bar", "c", "baz", "d", "foo")),
        Arguments.of("replace joins sources with ; and uses groups",
            abc, "- {source_labels: [a, b], regex: 'f(.*);(.*)r', target_label: a, replacement: 'x${1}y$2'}",
            labels("a", "xooyba", "b", "bar", "c", "baz")),
        Arguments.of("replace regex is anchored: a partial match does not replace",
            abc, "- {source_labels: [a], regex: 'o', target_label: d, replacement: x}", abc),
        Arguments.of("replace with no match leaves labels",
            abc, "- {source_labels: [a], regex: 'zzz', target_label: d}", abc),
        Arguments.of("replace with empty result deletes the target",
            abc, "- {source_labels: [a], regex: 'foo', target_label: b, replacement: ''}", labels("a", "foo", "c", "baz")),
        Arguments.of("replace with templated target label",
            abc, "- {source_labels: [a], regex: '(f)(.*)', target_label: 'x_${1}', replacement: '$2'}",
            labels("a", "foo", "b", "bar", "c", "baz", "x_f", "oo")),
        Arguments.of("replace with a target that expands to a valid name sets it",
            abc, "- {source_labels: [a], regex: '(.*)', target_label: '${1}', replacement: v}", labels("a", "foo", "b", "bar", "c", "baz", "foo", "v")),
        Arguments.of("replace with a target that expands to an invalid name is skipped",
            labels("a", "1x"), "- {source_labels: [a], regex: '(.*)', target_label: '${1}', replacement: v}", labels("a", "1x")),
        Arguments.of("replace $1x refers to group named 1x, which is empty",
            abc, "- {source_labels: [a], target_label: d, replacement: '$1x'}", abc),
        Arguments.of("replace $01 refers to the group named 01 (Go reads no number with a leading zero), which is empty",
            abc, "- {source_labels: [a], target_label: d, replacement: '$01'}", abc),
        Arguments.of("replace keeps a dollar without a name, and ${ without its brace, as text",
            abc, "- {source_labels: [a], target_label: d, replacement: '$-${1'}", labels("a", "foo", "b", "bar", "c", "baz", "d", "$-${1")),
        Arguments.of("replace $$ is a literal dollar",
            abc, "- {source_labels: [a], target_label: d, replacement: '$$1'}", labels("a", "foo", "b", "bar", "c", "baz", "d", "$1")),
        Arguments.of("replace with named group, Go syntax",
            abc, "- {source_labels: [a], regex: '(?P<first>.)(?P<rest>.*)', target_label: d, replacement: '$rest-${first}'}",
            labels("a", "foo", "b", "bar", "c", "baz", "d", "oo-f")),
        Arguments.of("replace from an absent label matches the empty string",
            abc, "- {source_labels: [missing], target_label: d, replacement: set}", labels("a", "foo", "b", "bar", "c", "baz", "d", "set")),
        Arguments.of("keep matching",
            abc, "- {source_labels: [a], regex: 'f.*', action: keep}", abc),
        Arguments.of("keep not matching drops",
            abc, "- {source_labels: [a], regex: 'f', action: keep}", null),
        Arguments.of("drop matching drops",
            abc, "- {source_labels: [a], regex: 'f.*', action: drop}", null),
        Arguments.of("drop with action in capitals (YAML is case-insensitive)",
            abc, "- {source_labels: [a], regex: 'f.*', action: DROP}", null),
        Arguments.of("drop not matching keeps",
            abc, "- {source_labels: [a], regex: 'f', action: drop}", abc),
        Arguments.of("keepequal equal keeps",
            labels("a", "x", "b", "x"), "- {source_labels: [a], target_label: b, action: keepequal}", labels("a", "x", "b", "x")),
        Arguments.of("keepequal different drops",
            abc, "- {source_labels: [a], target_label: b, action: keepequal}", null),
        Arguments.of("dropequal equal drops",
            labels("a", "x", "b", "x"), "- {source_labels: [a], target_label: b, action: dropequal}", null),
        Arguments.of("dropequal different keeps",
            abc, "- {source_labels: [a], target_label: b, action: dropequal}", abc),
        Arguments.of("hashmod: md5 last 8 bytes mod modulus",
            abc, "- {source_labels: [c], target_label: d, modulus: 1000, action: hashmod}",
            labels("a", "foo", "b", "bar", "c", "baz", "d", "976")),
        Arguments.of("labelmap copies matching names with the replacement",
            labels("__meta_kubernetes_pod_label_app", "web", "__meta_kubernetes_pod_label_tier", "fe", "job", "j"),
            "- {regex: '__meta_kubernetes_pod_label_(.+)', action: labelmap}",
            labels("__meta_kubernetes_pod_label_app", "web", "__meta_kubernetes_pod_label_tier", "fe", "job", "j", "app", "web", "tier", "fe")),
        Arguments.of("labeldrop removes matching names",
            abc, "- {regex: '[ab]', action: labeldrop}", labels("c", "baz")),
        Arguments.of("labelkeep keeps only matching names",
            abc, "- {regex: '[ab]', action: labelkeep}", labels("a", "foo", "b", "bar")),
        Arguments.of("labeldrop everything leaves nothing: dropped",
            abc, "- {regex: '.*', action: labeldrop}", null),
        Arguments.of("lowercase",
            labels("a", "FoO"), "- {source_labels: [a], target_label: b, action: lowercase}", labels("a", "FoO", "b", "foo")),
        Arguments.of("uppercase joins sources",
            labels("a", "x", "b", "y"), "- {source_labels: [a, b], separator: '-', target_label: c, action: uppercase}",
            labels("a", "x", "b", "y", "c", "X-Y")),
        Arguments.of("configs apply in order",
            abc, "- {source_labels: [a], target_label: a, replacement: 'new'}\n- {source_labels: [a], regex: new, action: keep}",
            labels("a", "new", "b", "bar", "c", "baz")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void relabels(String name, Labels input, String yaml, Labels expected) throws Exception {
    Labels out = Relabeler.process(input, configs(yaml));
    if (expected == null) {
      assertNull(out, () -> "expected drop, got " + out);
    } else {
      assertEquals(expected, out);
    }
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of("- {action: hashmod, target_label: x}", "relabel configuration for hashmod requires non-zero modulus"),
        Arguments.of("- {source_labels: [a]}", "relabel configuration for replace action requires 'target_label' value"),
        Arguments.of("- {source_labels: [a], action: lowercase}", "relabel configuration for lowercase action requires 'target_label' value"),
        Arguments.of("- {source_labels: [a], target_label: '1bad'}", "\"1bad\" is invalid 'target_label' for replace action"),
        Arguments.of("- {source_labels: [a], target_label: b, action: uppercase, replacement: x}", "'replacement' can not be set for uppercase action"),
        Arguments.of("- {regex: '(.*)', action: labelmap, replacement: 'bad-name'}", "\"bad-name\" is invalid 'replacement' for labelmap action"),
        Arguments.of("- {source_labels: [a], target_label: '${1}', modulus: 2, action: hashmod}", "\"${1}\" is invalid 'target_label' for hashmod action"),
        Arguments.of("- {source_labels: [a], target_label: b, regex: x, action: keepequal}", "keepequal action requires only 'source_labels' and `target_label`, and no other fields"),
        Arguments.of("- {source_labels: [a], regex: x, action: labeldrop}", "labeldrop action requires only 'regex', and no other fields"),
        Arguments.of("- {action: labelkeep, target_label: y}", "labelkeep action requires only 'regex', and no other fields"),
        Arguments.of("- {action: explode}", "unknown relabel action \"explode\""),
        Arguments.of("- {source_labels: ['a-b'], target_label: x}", "\"a-b\" is not a valid label name"),
        Arguments.of("- {source_labels: [a], target_label: x, regex: '(unclosed'}", "error parsing regexp: missing closing ): `^(?:(unclosed)$`"),
        Arguments.of("- {source_labels: [a], target_label: x, regex: '(a)\\1'}", "error parsing regexp: invalid escape sequence: `\\1`"),
        Arguments.of("- {source_labels: [a], target_label: x, regex: 'a(?=b)'}", "error parsing regexp: invalid or unsupported Perl syntax: `(?=`"),
        // promtool 2.42 check config: (?<name>) is Go 1.22 syntax
        Arguments.of("- {source_labels: [a], target_label: x, regex: '(?<rest>.*)'}", "error parsing regexp: invalid or unsupported Perl syntax: `(?<`"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalid")
  void rejectsInvalidConfigWithPrometheusMessage(String yaml, String message) {
    ValueInstantiationException e = assertThrows(ValueInstantiationException.class, () -> configs(yaml));
    String actual = e.getCause().getMessage();
    assertEquals(true, actual.startsWith(message), actual);
  }

  @Test
  void defaultsAreThoseOfPrometheus() throws Exception {
    RelabelConfig c = configs("- {target_label: x}").get(0);
    assertEquals(";", c.separator());
    assertEquals("(.*)", c.regex().source());
    assertEquals("$1", c.replacement());
    assertEquals(RelabelAction.REPLACE, c.action());
    assertEquals(List.of(), c.sourceLabels());
  }

  @Test
  void hashmodMatchesPrometheusForShardingByAddress() {
    assertEquals(751, Relabeler.hashmod("localhost:9100", 1000));
    assertEquals(696, Relabeler.hashmod("foo", 1000));
  }
}
