package io.strata.app.query;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.app.KafkaClientConfig;
import io.strata.app.Stage;
import io.strata.app.StageMetrics;
import io.strata.app.StageOptions;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.query.api.QueryConfig;
import io.strata.query.api.QueryServer;
import io.strata.query.store.FanoutStore;
import io.strata.schemas.http.WebSecurity;
import io.strata.tsdb.Resolution;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata query}: a query node (distributed runs). The Prometheus HTTP API and web UI over remote stores, read
 * through their store API and merged ({@link FanoutStore}, query/README.md "Fan-out"), with HA replica
 * deduplication and Thanos's {@code partial_response}. It holds no data itself.
 */
@Command(name = "query", mixinStandardHelpOptions = true,
    description = "Run a query node: the Prometheus HTTP API and web UI over the stores given with --store (each a Strata process "
        + "serving /api/v1/store/, e.g. the query port of strata up or of a Connect worker's store), merged and deduplicated. "
        + "Ctrl-C stops it. strata.yml keys read: host, ports.query, query.stores, query.partial_response, query.store_timeout, "
        + "query.replica_labels, rollups.resolutions, kafka.topic_prefix, auth.tenants.")
public final class QueryCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("query", "query", "ports.query", Settings.DEFAULT_QUERY_PORT, true);

  @Mixin
  StageOptions options;

  @Mixin
  KafkaClientConfig kafkaClient;

  @Option(names = "--store", paramLabel = "URL",
      description = "a store to read (repeatable; http(s)://[user:password@]host:port), in order of preference for samples two "
          + "stores hold at the same timestamp (default: query.stores)")
  List<String> stores;

  @Option(names = "--partial-response", negatable = true,
      description = "answer with the stores that answered plus a warning when one does not, for requests without "
          + "partial_response (default: query.partial_response, else true, as Thanos); --no-partial-response: an error naming the store")
  Boolean partialResponse;

  @Option(names = "--store-timeout", paramLabel = "DURATION", description = "how long one store may take to answer one read "
      + "(default: query.store_timeout, else 30s)")
  String storeTimeout;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    PrometheusRegistry metrics = StageMetrics.registry();
    StageSettings s;
    QueryConfig cfg;
    List<URI> uris = new ArrayList<>();
    boolean partial;
    Duration timeout;
    WebSecurity web;
    FanoutStore fanout;
    try {
      s = options.resolve(STAGE);
      StrataConfig file = s.file();
      StrataConfig.QuerySection q = file.query() == null ? new StrataConfig.QuerySection(null, null, null, null) : file.query();
      boolean storeFlags = stores != null && !stores.isEmpty();
      List<String> urls = storeFlags ? stores : q.stores() == null ? List.of() : q.stores();
      if (urls.isEmpty()) {
        throw Settings.invalid("--store", "no store to read: give --store URL (repeatable) or query.stores");
      }
      for (String u : urls) {
        try {
          uris.add(URI.create(u));
        } catch (IllegalArgumentException e) {
          throw Settings.invalid(storeFlags ? "--store" : "query.stores", "\"" + u + "\" is not an http(s)://host:port URL");
        }
      }
      partial = partialResponse != null ? partialResponse : q.partialResponse() == null || q.partialResponse();
      String timeoutKey = storeTimeout != null ? "--store-timeout" : "query.store_timeout";
      String timeoutValue = storeTimeout != null ? storeTimeout : q.storeTimeout() != null ? q.storeTimeout() : "30s";
      timeout = Settings.duration(timeoutKey, timeoutValue);
      if (timeout.toMillis() <= 0) {
        throw Settings.invalid(timeoutKey, "must be > 0, got " + timeoutValue);
      }
      cfg = QueryConfig.defaults(s.host(), s.port()).withReplicaLabels(q.replicaLabels())
          .withRollupResolutions(Settings.resolutions(file).stream().map(Resolution::parse).toList());
      web = s.web(true, false, () -> System.exit(0));
      s.requirePortFree();
      fanout = run.started(new FanoutStore(uris, partial, timeout, metrics)); // checks each URL's scheme
    } catch (IllegalArgumentException e) {
      return run.refuse(e);
    }
    QueryServer server;
    try {
      server = run.started((s.bootstrap() == null ? new QueryServer(cfg, fanout, metrics, () -> true)
          : new QueryServer(cfg, fanout, metrics, () -> true, s.bootstrap(), kafkaClient.properties(), s.registryUrl(), s.topicPrefix()))
          .secure(web).start());
    } catch (RuntimeException e) {
      return run.fail(1, e.getMessage());
    }
    String base = s.baseUrl(web.tls(), server.port());
    return run.serve("over " + fanout.storeNames().size() + " store(s), partial responses " + (fanout.partialByDefault() ? "on" : "off")
        + " by default", base, out -> {
          out.println(StageRun.line("web UI", base + "/"));
          out.println(StageRun.line("query API", base + "/api/v1/   (Prometheus HTTP API; Grafana data source URL " + base + ")"));
          for (String store : fanout.storeNames()) {
            out.println(StageRun.line("store", store));
          }
        });
  }
}
