package io.strata.ingest.server;

import io.strata.ingest.kafka.PartitionedBatch;
import io.strata.ingest.remotewrite.RemoteWriteV1Decoder;
import io.strata.ingest.remotewrite.RemoteWriteV2Decoder;
import io.strata.ingest.remotewrite.WriteRequestData;
import java.util.Locale;

/**
 * {@code POST /api/v1/write}: remote_write 1.0 ({@code application/x-protobuf}, optionally
 * {@code ;proto=prometheus.WriteRequest}) and 2.0 ({@code ;proto=io.prometheus.write.v2.Request}), snappy
 * Content-Encoding. Anything else is 415. 2.0 responses carry the {@code X-Prometheus-Remote-Write-*-Written}
 * headers; native histograms and exemplars are not stored, so their headers say 0.
 */
final class RemoteWriteHandler {
  static final String V2_PROTO = "io.prometheus.write.v2.Request";
  static final String V1_PROTO = "prometheus.WriteRequest";
  static final String SAMPLES_WRITTEN = "X-Prometheus-Remote-Write-Samples-Written";
  static final String HISTOGRAMS_WRITTEN = "X-Prometheus-Remote-Write-Histograms-Written";
  static final String EXEMPLARS_WRITTEN = "X-Prometheus-Remote-Write-Exemplars-Written";

  private final PushPipeline pipeline;
  private final RemoteWriteV1Decoder v1;
  private final RemoteWriteV2Decoder v2;

  RemoteWriteHandler(PushPipeline pipeline, IngestConfig cfg) {
    this.pipeline = pipeline;
    this.v1 = new RemoteWriteV1Decoder(cfg.maxDecompressedBytes(), cfg.maxSeriesPerRequest());
    this.v2 = new RemoteWriteV2Decoder(cfg.maxDecompressedBytes(), cfg.maxSeriesPerRequest());
  }

  void handle(Exchange ex) {
    if (!ex.request.getMethod().equals("POST")) {
      ex.setHeader("Allow", "POST");
      ex.replyText(405, "method " + ex.request.getMethod() + " not allowed; use POST\n");
      return;
    }
    Boolean isV2 = protoOf(ex.header("Content-Type"));
    if (isV2 == null) {
      pipeline.reject(ex, "content_type", 415, "unsupported Content-Type " + ex.header("Content-Type")
          + "; remote_write takes application/x-protobuf with proto=" + V1_PROTO + " (1.0, the default) or proto=" + V2_PROTO + " (2.0)");
      return;
    }
    String encoding = ex.header("Content-Encoding");
    if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("snappy")) {
      pipeline.reject(ex, "content_encoding", 415, "unsupported Content-Encoding " + encoding + "; remote_write bodies are snappy block compressed");
      return;
    }
    if (isV2) {
      // the spec wants the written counts on every 2.0 answer; they are replaced on success
      ex.setHeader(SAMPLES_WRITTEN, "0");
      ex.setHeader(HISTOGRAMS_WRITTEN, "0");
      ex.setHeader(EXEMPLARS_WRITTEN, "0");
    }
    pipeline.readBody(ex, (tenant, body) -> {
      if (isV2) {
        WriteRequestData data = v2.decode(body);
        countSkipped(ex, data);
        pipeline.write(ex, tenant, data.series(), data.metadata(), () -> {
          ex.setHeader(SAMPLES_WRITTEN, Long.toString(data.samples()));
          ex.reply(204, null, null);
        });
        return;
      }
      // 1.0: the series are encoded into their partitions' records while the request is decoded; a bad
      // request throws (400) before anything is sent, and the batch is dropped
      try (PartitionedBatch batch = pipeline.producer.batch(tenant, ex.handler).check(pipeline.limits.forRequest(tenant))) {
        WriteRequestData data = v1.decodeRequest(tenant, body, batch);
        pipeline.limits.checkMetadata(tenant, data.metadata());
        pipeline.limits.admit(tenant, batch.samples());
        countSkipped(ex, data);
        // an IngestRejectedException from send is answered 503 by readBody, as PushPipeline.write does
        pipeline.awaitAck(ex, pipeline.producer.send(batch, data.metadata()), () -> ex.reply(204, null, null));
      }
    });
  }

  private void countSkipped(Exchange ex, WriteRequestData data) {
    pipeline.countSkipped(ex.handler, "native_histogram", data.histogramsSkipped());
    pipeline.countSkipped(ex.handler, "exemplar", data.exemplarsSkipped());
  }

  /** TRUE for 2.0, FALSE for 1.0 (also when no Content-Type is sent, as older senders do), null for anything else. */
  static Boolean protoOf(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return Boolean.FALSE;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].trim().toLowerCase(Locale.ROOT).equals("application/x-protobuf")) {
      return null;
    }
    String proto = null;
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].trim();
      int eq = p.indexOf('=');
      if (eq > 0 && p.substring(0, eq).trim().equalsIgnoreCase("proto")) {
        proto = p.substring(eq + 1).trim();
        if (proto.length() >= 2 && proto.startsWith("\"") && proto.endsWith("\"")) {
          proto = proto.substring(1, proto.length() - 1);
        }
      }
    }
    if (proto == null || proto.equals(V1_PROTO)) {
      return Boolean.FALSE;
    }
    return proto.equals(V2_PROTO) ? Boolean.TRUE : null;
  }
}
