package io.strata.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * What the runtime that hosts the query server knows about its stages: {@code /-/ready} answers 503 naming
 * {@link #notReady()} while it is not empty, and {@code GET /api/v1/status/pipeline} writes {@link #write}
 * as its {@code data}.
 */
public interface PipelineStatus {
  /** Names of the stages that cannot do their work now; empty when every stage can. */
  List<String> notReady();

  /** Writes the {@code data} object of {@code /api/v1/status/pipeline}. */
  void write(JsonGenerator g) throws IOException;
}
