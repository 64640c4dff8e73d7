package io.strata.ingest.server;

import com.google.protobuf.CodedOutputStream;
import io.strata.ingest.otlp.OtlpJsonDecoder;
import io.strata.ingest.otlp.OtlpModel;
import io.strata.ingest.otlp.OtlpProtobufDecoder;
import io.strata.ingest.otlp.OtlpTranslator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/metrics} (and Prometheus's path {@code /api/v1/otlp/v1/metrics}): OTLP/HTTP metrics,
 * {@code application/x-protobuf} or {@code application/json}, optionally gzip. Success is 200 with an
 * {@code ExportMetricsServiceResponse} in the request's encoding, whose {@code partial_success} counts the
 * points Strata refused (delta temporality, exponential histograms) and says why. Errors carry a
 * {@code google.rpc.Status} (code 3 INVALID_ARGUMENT for 4xx, 14 UNAVAILABLE for 503) in the same encoding.
 */
final class OtlpHandler {
  private final PushPipeline pipeline;

  OtlpHandler(PushPipeline pipeline) {
    this.pipeline = pipeline;
  }

  void handle(Exchange ex) {
    if (!ex.request.getMethod().equals("POST")) {
      ex.setHeader("Allow", "POST");
      ex.replyText(405, "method " + ex.request.getMethod() + " not allowed; use POST\n");
      return;
    }
    String ct = ex.header("Content-Type");
    String media = ct == null ? "" : ct.split(";")[0].trim().toLowerCase(Locale.ROOT);
    boolean json;
    if (media.equals("application/x-protobuf")) {
      json = false;
    } else if (media.equals("application/json")) {
      json = true;
    } else {
      pipeline.reject(ex, "content_type", 415, "unsupported Content-Type " + ct + "; OTLP/HTTP takes application/x-protobuf or application/json");
      return;
    }
    ex.errorFormat((status, message) -> status(json, status, message.strip()));
    pipeline.readBody(ex, (tenant, body) -> {
      byte[] raw = Bodies.decode(body, ex.header("Content-Encoding"), pipeline.cfg.maxDecompressedBytes());
      List<OtlpModel.Resource> resources = json ? OtlpJsonDecoder.decode(raw) : OtlpProtobufDecoder.decode(raw);
      OtlpTranslator.Result r = OtlpTranslator.translate(resources, pipeline.cfg.maxSeriesPerRequest());
      pipeline.countSkipped(ex.handler, "rejected_data_point", r.rejectedPoints());
      pipeline.write(ex, tenant, r.series(), r.metadata(), () -> {
        Exchange.Body b = response(json, r.rejectedPoints(), r.errorMessage());
        ex.reply(200, b.contentType(), b.bytes());
      });
    });
  }

  static Exchange.Body response(boolean json, long rejected, String message) {
    if (json) {
      String s = rejected == 0 && message.isEmpty() ? "{}"
          : "{\"partialSuccess\":{\"rejectedDataPoints\":\"" + rejected + "\",\"errorMessage\":" + jsonString(message) + "}}";
      return new Exchange.Body("application/json", s.getBytes(StandardCharsets.UTF_8));
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      if (rejected != 0 || !message.isEmpty()) {
        ByteArrayOutputStream ps = new ByteArrayOutputStream();
        CodedOutputStream p = CodedOutputStream.newInstance(ps);
        p.writeInt64(1, rejected);
        p.writeString(2, message);
        p.flush();
        out.writeByteArray(1, ps.toByteArray());
      }
      out.flush();
      return new Exchange.Body("application/x-protobuf", bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("BUG: encoding to memory failed", e);
    }
  }

  static Exchange.Body status(boolean json, int httpStatus, String message) {
    int code = httpStatus == 503 || httpStatus == 429 ? 14 : httpStatus >= 500 ? 13 : 3;
    if (json) {
      return new Exchange.Body("application/json", ("{\"code\":" + code + ",\"message\":" + jsonString(message) + "}").getBytes(StandardCharsets.UTF_8));
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.writeInt32(1, code);
      out.writeString(2, message);
      out.flush();
      return new Exchange.Body("application/x-protobuf", bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("BUG: encoding to memory failed", e);
    }
  }

  private static String jsonString(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
