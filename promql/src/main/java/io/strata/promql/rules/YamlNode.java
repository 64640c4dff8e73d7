package io.strata.promql.rules;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML tree that remembers where each node starts (1-based line and column), so rule-file errors can
 * point at the offending value as promtool does. Built from Jackson's streaming YAML parser.
 */
public sealed interface YamlNode permits YamlNode.Mapping, YamlNode.Sequence, YamlNode.Scalar {
  int line();

  int column();

  /** A mapping; keys keep their own positions for "field not found" errors. */
  record Mapping(int line, int column, Map<String, YamlNode> values, Map<String, Integer> keyLines) implements YamlNode {}

  record Sequence(int line, int column, List<YamlNode> items) implements YamlNode {}

  /** A scalar; {@code text} is null for a YAML null; {@code kind} is Go yaml's tag name (!!str, !!int, ...). */
  record Scalar(int line, int column, String text, String kind) implements YamlNode {}

  /** Thrown for malformed YAML; the message reads like Go yaml's. */
  final class YamlException extends Exception {
    public YamlException(String message) {
      super(message);
    }
  }

  static YamlNode parse(String yaml) throws YamlException {
    try {
      yaml = io.strata.schemas.prom.YamlAliases.expand(yaml); // anchors and aliases, as Go yaml resolves them
    } catch (IOException e) {
      throw new YamlException("yaml: " + e.getMessage());
    }
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return null;
      }
      YamlNode n = read(p, t);
      return n;
    } catch (IOException e) {
      String msg = e.getMessage();
      int nl = msg == null ? -1 : msg.indexOf('\n');
      throw new YamlException("yaml: " + (nl > 0 ? msg.substring(0, nl) : msg));
    }
  }

  private static YamlNode read(JsonParser p, JsonToken t) throws IOException, YamlException {
    JsonLocation loc = p.currentTokenLocation();
    int line = loc.getLineNr();
    int col = loc.getColumnNr();
    switch (t) {
      case START_OBJECT: {
        Map<String, YamlNode> values = new LinkedHashMap<>();
        Map<String, Integer> keyLines = new LinkedHashMap<>();
        int firstLine = -1;
        int firstCol = -1;
        JsonToken k;
        while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          JsonLocation kl = p.currentTokenLocation();
          if (firstLine < 0) {
            firstLine = kl.getLineNr();
            firstCol = kl.getColumnNr();
          }
          if (values.containsKey(key)) {
            throw new YamlException("yaml: unmarshal errors:\n  line " + kl.getLineNr() + ": mapping key \"" + key
                + "\" already defined at line " + keyLines.get(key));
          }
          keyLines.put(key, kl.getLineNr());
          values.put(key, read(p, p.nextToken()));
        }
        // Go yaml places a block mapping at its first key
        return new Mapping(firstLine > 0 ? firstLine : line, firstLine > 0 ? firstCol : col, values, keyLines);
      }
      case START_ARRAY: {
        List<YamlNode> items = new ArrayList<>();
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
          items.add(read(p, v));
        }
        return new Sequence(line, col, items);
      }
      case VALUE_NULL:
        return new Scalar(line, col, null, "!!null");
      case VALUE_NUMBER_INT:
        return new Scalar(line, col, p.getText(), "!!int");
      case VALUE_NUMBER_FLOAT:
        return new Scalar(line, col, p.getText(), "!!float");
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Scalar(line, col, p.getText(), "!!bool");
      default:
        return new Scalar(line, col, p.getText(), "!!str");
    }
  }
}
