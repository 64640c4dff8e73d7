package io.strata.ingest.remotewrite;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SeriesSamples;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes a remote_write 2.0 request ({@code io.prometheus.write.v2.Request}, snappy block compressed).
 * Fields read: Request.symbols (4), timeseries (5); TimeSeries.labels_refs (1, packed or not), samples
 * (2), histograms (3, counted and skipped: Strata stores float samples only), exemplars (4, counted and
 * skipped), metadata (5: type 1, help_ref 3, unit_ref 4). Symbols may come after the series that use
 * them, so series are decoded in a second pass. Every reference is checked against the symbols table; the
 * whole request is validated before anything is returned.
 */
public final class RemoteWriteV2Decoder {
  private static final int TAG_SYMBOL = 4 << 3 | 2;
  private static final int TAG_SERIES = 5 << 3 | 2;
  private static final int TAG_LABEL_REFS_PACKED = 1 << 3 | 2;
  private static final int TAG_LABEL_REFS_VARINT = 1 << 3;
  private static final int TAG_SAMPLE = 2 << 3 | 2;
  private static final int TAG_HISTOGRAM = 3 << 3 | 2;
  private static final int TAG_EXEMPLAR = 4 << 3 | 2;
  private static final int TAG_METADATA = 5 << 3 | 2;
  private static final int TAG_META_TYPE = 1 << 3;
  private static final int TAG_META_HELP = 3 << 3;
  private static final int TAG_META_UNIT = 4 << 3;

  private final int maxDecompressedBytes;
  private final int maxSeries;

  public RemoteWriteV2Decoder(int maxDecompressedBytes, int maxSeries) {
    this.maxDecompressedBytes = maxDecompressedBytes;
    this.maxSeries = maxSeries;
  }

  public WriteRequestData decode(byte[] snappyBody) {
    byte[] raw = SnappyBodies.uncompress(snappyBody, maxDecompressedBytes);
    try {
      return parse(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new BadRequestException("protobuf", "cannot decode io.prometheus.write.v2.Request protobuf: " + e.getMessage());
    } catch (IOException e) {
      throw new BadRequestException("protobuf", "cannot decode io.prometheus.write.v2.Request protobuf: " + e);
    }
  }

  private WriteRequestData parse(byte[] raw) throws IOException {
    CodedInputStream in = CodedInputStream.newInstance(raw);
    List<String> symbols = new ArrayList<>();
    int[] starts = new int[16];
    int[] lengths = new int[16];
    int nSeries = 0;
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      if (tag == TAG_SYMBOL) {
        symbols.add(in.readStringRequireUtf8());
      } else if (tag == TAG_SERIES) {
        if (nSeries == maxSeries) {
          throw new BadRequestException("too_many_series", "request has more than " + maxSeries + " series (ingest.max_series_per_request)");
        }
        int len = in.readRawVarint32();
        if (len < 0 || len > raw.length - in.getTotalBytesRead()) {
          throw new BadRequestException("protobuf", "cannot decode io.prometheus.write.v2.Request protobuf: series " + nSeries + " is truncated");
        }
        if (nSeries == starts.length) {
          starts = Arrays.copyOf(starts, nSeries * 2);
          lengths = Arrays.copyOf(lengths, nSeries * 2);
        }
        starts[nSeries] = in.getTotalBytesRead();
        lengths[nSeries] = len;
        nSeries++;
        in.skipRawBytes(len);
      } else if (!in.skipField(tag)) {
        break;
      }
    }
    List<SeriesSamples> out = new ArrayList<>(nSeries);
    Map<String, FamilyMetadata> metadata = new LinkedHashMap<>();
    int[] skipped = new int[2]; // histograms, exemplars
    long samples = 0;
    String[] table = symbols.toArray(String[]::new);
    for (int i = 0; i < nSeries; i++) {
      SeriesSamples s = parseSeries(CodedInputStream.newInstance(raw, starts[i], lengths[i]), table, i, skipped, metadata);
      if (s != null) {
        out.add(s);
        samples += s.count();
      }
    }
    return new WriteRequestData(out, new ArrayList<>(metadata.values()), samples, skipped[0], skipped[1]);
  }

  private static String symbol(String[] table, int ref, int index, String what) {
    if (ref < 0 || ref >= table.length) {
      throw new BadRequestException("symbol_ref", "series " + index + ": " + what + " reference " + (ref & 0xffffffffL)
          + " is outside the symbols table of " + table.length + " entries");
    }
    return table[ref];
  }

  private static SeriesSamples parseSeries(CodedInputStream in, String[] table, int index, int[] skipped, Map<String, FamilyMetadata> metadata)
      throws IOException {
    int[] refs = new int[16];
    int nRefs = 0;
    SampleColumns samples = new SampleColumns();
    int histograms = 0;
    int metaType = 0;
    int helpRef = 0;
    int unitRef = 0;
    boolean hasMeta = false;
    fields:
    while (true) {
      int tag = in.readTag();
      if (tag == 0) {
        break;
      }
      switch (tag) {
        case TAG_LABEL_REFS_PACKED -> {
          int limit = in.pushLimit(in.readRawVarint32());
          while (in.getBytesUntilLimit() > 0) {
            if (nRefs == refs.length) {
              refs = Arrays.copyOf(refs, nRefs * 2);
            }
            refs[nRefs++] = in.readUInt32();
          }
          in.popLimit(limit);
        }
        case TAG_LABEL_REFS_VARINT -> {
          if (nRefs == refs.length) {
            refs = Arrays.copyOf(refs, nRefs * 2);
          }
          refs[nRefs++] = in.readUInt32();
        }
        case TAG_SAMPLE -> {
          samples.readSample(in);
        }
        case TAG_HISTOGRAM -> {
          histograms++;
          in.skipField(tag);
        }
        case TAG_EXEMPLAR -> {
          skipped[1]++;
          in.skipField(tag);
        }
        case TAG_METADATA -> {
          hasMeta = true;
          int limit = in.pushLimit(in.readRawVarint32());
          while (true) {
            int mt = in.readTag();
            if (mt == 0) {
              break;
            }
            if (mt == TAG_META_TYPE) {
              metaType = in.readEnum();
            } else if (mt == TAG_META_HELP) {
              helpRef = in.readUInt32();
            } else if (mt == TAG_META_UNIT) {
              unitRef = in.readUInt32();
            } else if (!in.skipField(mt)) {
              break;
            }
          }
          in.popLimit(limit);
        }
        default -> {
          if (!in.skipField(tag)) {
            break fields;
          }
        }
      }
    }
    if (nRefs % 2 != 0) {
      throw new BadRequestException("symbol_ref", "series " + index + ": labels_refs has an odd length " + nRefs);
    }
    List<String> pairs = new ArrayList<>(nRefs);
    for (int i = 0; i < nRefs; i++) {
      pairs.add(symbol(table, refs[i], index, "label"));
    }
    var labels = SeriesLabels.valid(pairs, index);
    skipped[0] += histograms;
    if (hasMeta) {
      String help = symbol(table, helpRef, index, "help");
      String unit = symbol(table, unitRef, index, "unit");
      MetricType type = SeriesLabels.type(metaType);
      if (metaType != 0 || !help.isEmpty() || !unit.isEmpty()) {
        String family = SeriesLabels.family(labels.metricName(), type);
        metadata.putIfAbsent(family, new FamilyMetadata(family, type, help, unit));
      }
    }
    return samples.size == 0 ? null : new SeriesSamples(labels, samples.timestamps, samples.values, samples.size);
  }
}
