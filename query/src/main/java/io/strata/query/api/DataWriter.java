package io.strata.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/** Writes the {@code data} member of a success envelope. */
@FunctionalInterface
interface DataWriter {
  void write(JsonGenerator g) throws IOException;
}
