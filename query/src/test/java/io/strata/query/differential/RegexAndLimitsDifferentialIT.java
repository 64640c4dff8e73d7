package io.strata.query.differential;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.schemas.model.Labels;
import io.strata.tsdb.Store;
import io.strata.tsdb.Stores;
import io.strata.tsdb.TsdbConfig;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regexes and hostile queries (issue 17) sent to Debian's Prometheus 2.42 and to our query API over the same
 * label values: valid RE2 regexes select the same series (matchers, {@code !~}, {@code label_replace}),
 * regexes RE2 refuses are 400 {@code bad_data} in both with the same message, and deep expressions answer
 * alike. Where we knowingly differ the test records Prometheus's answer and ours. Skipped without prometheus.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegexAndLimitsDifferentialIT {
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  private static final String AT = DifferentialDataSet.seconds(T0 + 60_000);

  /** Label values of the series {@code m{v=...}}: case, newline, Unicode, dots, a long value. */
  private static final List<String> VALUES = List.of("a", "abc", "ABC", "a.b", "a\nb", "é", "1234", "x_y", "a b", "x".repeat(2_000) + "z");

  static final String[] VALID = {
      "a", "a.*", ".*b", "a.b", "(?s)a.b", "(?i)abc", "[[:alpha:]]+", "\\pL+", "\\p{Greek}|é", "a|", ".+", ".*", "(.*.*)*y",
      "(.*.*)*z", "x*", "\\x61", "a{1,3}", "[^a]+", "(?P<n>a)bc", "\\Qa.b\\E", "a\\.b", "\\d*", "(?U)a+", "[\\s\\S]*b",
      "\\w+", "\\bb", "^a$", "a(?m:$)", "(?i:A)BC", "[a-c]{3}", "\\D+", "(?P<n>a)(?P<n>b)c|(?P<n>1)234",
  };

  static final String[] INVALID = {
      "(?=x)", "(?!x)", "(?<=a)b", "(a)\\1", "a++", "(", ")", "[z-a]", "x{1001}", "\\Z", "(?<n>a)", "*", "a**", "\\8",
      "[[:foo:]]", "[a", "\\C", "x{2}{3}{4}",
  };

  private PrometheusProcess prometheus;
  private Store store;
  private QueryServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start(@TempDir Path work) throws Exception {
    assumeTrue(PrometheusProcess.installed(), "prometheus and promtool are not installed (apt-get install prometheus)");
    store = Stores.open(TsdbConfig.defaults(Files.createDirectories(work.resolve("strata"))).withBackgroundCompaction(false));
    StringBuilder om = new StringBuilder("# TYPE m gauge\n# TYPE up gauge\n");
    for (int i = 0; i < VALUES.size(); i++) {
      store.append("default", Labels.of("__name__", "m", "v", VALUES.get(i)), T0, i);
      om.append("m{v=\"").append(VALUES.get(i).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"} ")
          .append(i).append(' ').append(DifferentialDataSet.seconds(T0)).append('\n');
    }
    store.append("default", Labels.of("__name__", "up", "job", "j"), T0, 1);
    om.append("up{job=\"j\"} 1 ").append(DifferentialDataSet.seconds(T0)).append("\n# EOF\n");
    store.commit(Map.of());
    Path file = work.resolve("data.om");
    Files.writeString(file, om, StandardCharsets.UTF_8);
    server = new QueryServer(QueryConfig.defaults("127.0.0.1", 0), store, new PrometheusRegistry(), () -> true).start();
    prometheus = PrometheusProcess.start(file, Files.createDirectories(work.resolve("prometheus")));
  }

  @AfterAll
  void stop() throws Exception {
    try {
      if (prometheus != null) {
        prometheus.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
      if (store != null) {
        store.close();
      }
    }
  }

  private String ours() {
    return "http://127.0.0.1:" + server.port();
  }

  private static String quoted(String re) {
    return "\"" + re.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<ApiCall> regexCalls(String re) {
    String q = quoted(re);
    return List.of(
        ApiCall.get("=~ " + re, "/api/v1/query", "query", "m{v=~" + q + "}", "time", AT),
        ApiCall.get("!~ " + re, "/api/v1/query", "query", "m{v!~" + q + "}", "time", AT),
        ApiCall.get("label_replace " + re, "/api/v1/query", "query", "label_replace(m, \"w\", \"[$1]\", \"v\", " + q + ")", "time", AT),
        ApiCall.post("series " + re, "/api/v1/series", "match[]", "{__name__=\"m\",v=~" + q + "}",
            "start", DifferentialDataSet.seconds(T0 - 60_000), "end", AT));
  }

  @Test
  void validRegexesSelectTheSameSeries() throws Exception {
    Map<String, List<String>> diffs = new LinkedHashMap<>();
    int selected = 0;
    for (String re : VALID) {
      for (ApiCall c : regexCalls(re)) {
        ApiCall.Answer a = c.send(http, ours());
        ApiCall.Answer b = c.send(http, prometheus.baseUrl());
        List<String> d = ResultComparator.compare(c, a, b);
        if (!d.isEmpty()) {
          diffs.put(c.describe(), d);
        }
        assertEquals("success", b.body().path("status").asText(), "Prometheus accepts " + c.describe() + ": " + b.body());
        selected += a.body().path("data").path("result").size();
      }
    }
    assertTrue(selected > VALID.length, "the regexes select series: " + selected);
    assertEquals(Map.of(), diffs);
  }

  @Test
  void regexesRe2RefusesAreBadDataWithPrometheussMessage() throws Exception {
    List<String> diffs = new ArrayList<>();
    for (String re : INVALID) {
      for (ApiCall c : regexCalls(re)) {
        ApiCall.Answer a = c.send(http, ours());
        ApiCall.Answer b = c.send(http, prometheus.baseUrl());
        diffs.addAll(ResultComparator.compare(c, a, b).stream().map(d -> c.describe() + ": " + d).toList());
        String theirs = b.body().path("error").asText();
        String mine = a.body().path("error").asText();
        // label_replace: 2.42 answers 422 execution "invalid regular expression in label_replace(): <re>"
        String expected = c.id().startsWith("label_replace") ? "execution" : "bad_data";
        if (!expected.equals(b.body().path("errorType").asText())) {
          diffs.add(c.describe() + ": prometheus accepts it: " + abbreviate(b));
        } else if (!mine.equals(theirs)) {
          diffs.add(c.describe() + ": message\n    ours:       " + mine + "\n    prometheus: " + theirs);
        }
      }
    }
    assertEquals(List.of(), diffs, String.join("\n", diffs));
  }

  @Test
  void deepExpressionsAnswerAsPrometheusDoes() throws Exception {
    List<ApiCall> calls = List.of(
        ApiCall.post("2000 parens", "/api/v1/query", "query", "(".repeat(2_000) + "up" + ")".repeat(2_000), "time", AT),
        ApiCall.post("2000-term +", "/api/v1/query", "query", "up" + "+up".repeat(1_999), "time", AT),
        ApiCall.post("2500-term or", "/api/v1/query", "query", "up" + " or up".repeat(2_499), "time", AT),
        ApiCall.get("2500-term or GET", "/api/v1/query", "query", "up" + " or up".repeat(2_499), "time", AT),
        ApiCall.post("2000 unary minus", "/api/v1/query", "query", "-".repeat(2_000) + "up", "time", AT),
        ApiCall.post("2000 nested abs", "/api/v1/query", "query", "abs(".repeat(2_000) + "up" + ")".repeat(2_000), "time", AT),
        ApiCall.post("range 2000-term +", "/api/v1/query_range", "query", "up" + "+up".repeat(1_999),
            "start", DifferentialDataSet.seconds(T0), "end", AT, "step", "15"),
        ApiCall.post("1 MB form", "/api/v1/query", "query", "up" + " ".repeat(1_000_000), "time", AT),
        ApiCall.get("bad timeout", "/api/v1/query", "query", "up", "time", AT, "timeout", "soon"));
    List<String> diffs = new ArrayList<>();
    for (ApiCall c : calls) {
      ApiCall.Answer b = c.send(http, prometheus.baseUrl());
      diffs.addAll(ResultComparator.compare(c, c.send(http, ours()), b).stream().map(d -> c.describe().substring(0, 60) + ": " + d).toList());
    }
    assertEquals(List.of(), diffs, String.join("\n", diffs));
  }

  /**
   * Where we knowingly answer otherwise: Prometheus has no depth limit (Go's stack grows to 1 GB), we refuse
   * beyond {@code Parser.MAX_DEPTH} with a clean 400; a form over Go's 10 MiB is read as no form by Prometheus.
   * The assertions pin both answers, so a change on either side shows.
   */
  @Test
  void beyondOurLimitsWeAnswerCleanly() throws Exception {
    ApiCall deep = ApiCall.post("10001 parens", "/api/v1/query", "query", "(".repeat(10_001) + "up" + ")".repeat(10_001), "time", AT);
    ApiCall.Answer theirs = deep.send(http, prometheus.baseUrl());
    ApiCall.Answer mine = deep.send(http, ours());
    System.out.printf("10,001 nested parentheses: prometheus %d %s; ours %d %s%n", theirs.status(), abbreviate(theirs), mine.status(), abbreviate(mine));
    assertEquals(200, theirs.status());
    assertEquals(400, mine.status());
    assertEquals("bad_data", mine.body().path("errorType").asText());

    ApiCall big = ApiCall.post("11 MiB form", "/api/v1/query", "query", "up" + " ".repeat(11 << 20), "time", AT);
    theirs = big.send(http, prometheus.baseUrl());
    mine = big.send(http, ours());
    System.out.printf("11 MiB form: prometheus %d %s; ours %d %s%n", theirs.status(), abbreviate(theirs), mine.status(), abbreviate(mine));
    assertEquals("error", theirs.body().path("status").asText());
    assertEquals("bad_data", theirs.body().path("errorType").asText());
    assertEquals(413, mine.status());
    assertEquals("bad_data", mine.body().path("errorType").asText());
  }

  private static String abbreviate(ApiCall.Answer a) {
    String s = a.body().toString();
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
