package io.strata.promql.parser;

import io.strata.promql.ast.AggregateOp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Splits a PromQL query into tokens, with Prometheus's lexical rules and error messages. */
final class Lexer {
  private static final Map<String, TokenType> KEYWORDS = Map.ofEntries(
      Map.entry("and", TokenType.LAND), Map.entry("or", TokenType.LOR), Map.entry("unless", TokenType.LUNLESS),
      Map.entry("atan2", TokenType.ATAN2), Map.entry("by", TokenType.BY), Map.entry("without", TokenType.WITHOUT),
      Map.entry("on", TokenType.ON), Map.entry("ignoring", TokenType.IGNORING),
      Map.entry("group_left", TokenType.GROUP_LEFT), Map.entry("group_right", TokenType.GROUP_RIGHT),
      Map.entry("bool", TokenType.BOOL), Map.entry("offset", TokenType.OFFSET), Map.entry("start", TokenType.START),
      Map.entry("end", TokenType.END));

  private final String in;
  private int pos;
  private int parenDepth;
  private boolean braceOpen;
  private boolean bracketOpen;
  private boolean gotColon;
  private final List<Token> out = new ArrayList<>();

  private Lexer(String in) {
    this.in = in;
  }

  static List<Token> lex(String query) {
    Lexer l = new Lexer(query);
    l.run();
    return l.out;
  }

  private PromQLParseException error(int at, String msg) {
    return new PromQLParseException(in, at, msg);
  }

  private void emit(TokenType t, int start) {
    out.add(new Token(t, in.substring(start, pos), start));
  }

  private char peek(int ahead) {
    int i = pos + ahead;
    return i < in.length() ? in.charAt(i) : '\0';
  }

  private void run() {
    while (true) {
      skipSpaceAndComments();
      if (pos >= in.length()) {
        if (braceOpen) {
          throw error(pos, "unexpected end of input inside braces");
        }
        if (parenDepth != 0) {
          throw error(pos, "unclosed left parenthesis");
        }
        if (bracketOpen) {
          throw error(pos, "unclosed left bracket");
        }
        out.add(new Token(TokenType.EOF, "", pos));
        return;
      }
      if (braceOpen) {
        lexInsideBraces();
      } else {
        lexStatement();
      }
    }
  }

  private void skipSpaceAndComments() {
    while (pos < in.length()) {
      char c = in.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '#') {
        while (pos < in.length() && in.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private void lexInsideBraces() {
    int start = pos;
    char c = in.charAt(pos);
    if (isAlpha(c)) {
      while (pos < in.length() && isAlphaNumeric(in.charAt(pos))) {
        pos++;
      }
      emit(TokenType.IDENTIFIER, start);
      return;
    }
    switch (c) {
      case ',' -> {
        pos++;
        emit(TokenType.COMMA, start);
      }
      case '"', '\'', '`' -> lexString();
      case '=' -> {
        pos++;
        if (peek(0) == '~') {
          pos++;
          emit(TokenType.EQL_REGEX, start);
        } else {
          emit(TokenType.EQL, start);
        }
      }
      case '!' -> {
        pos++;
        char n = peek(0);
        if (n == '~') {
          pos++;
          emit(TokenType.NEQ_REGEX, start);
        } else if (n == '=') {
          pos++;
          emit(TokenType.NEQ, start);
        } else {
          throw error(start, "unexpected character after '!' inside braces: " + charQuote(n));
        }
      }
      case '{' -> throw error(start, "unexpected left brace '{' inside braces");
      case '}' -> {
        pos++;
        emit(TokenType.RIGHT_BRACE, start);
        braceOpen = false;
      }
      default -> throw error(start, "unexpected character inside braces: " + charQuote(c));
    }
  }

  private void lexStatement() {
    int start = pos;
    char c = in.charAt(pos);
    if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
      lexNumberOrDuration();
      return;
    }
    if (isAlpha(c) || c == ':') {
      if (c == ':' && bracketOpen) {
        if (gotColon) {
          throw error(start, "unexpected colon ':'");
        }
        pos++;
        gotColon = true;
        emit(TokenType.COLON, start);
        return;
      }
      lexIdentifierOrKeyword();
      return;
    }
    pos++;
    switch (c) {
      case ',' -> emit(TokenType.COMMA, start);
      case '@' -> emit(TokenType.AT, start);
      case '*' -> emit(TokenType.MUL, start);
      case '/' -> emit(TokenType.DIV, start);
      case '%' -> emit(TokenType.MOD, start);
      case '+' -> emit(TokenType.ADD, start);
      case '-' -> emit(TokenType.SUB, start);
      case '^' -> emit(TokenType.POW, start);
      case '=' -> {
        char n = peek(0);
        if (n == '=') {
          pos++;
          emit(TokenType.EQLC, start);
        } else if (n == '~') {
          throw error(start, "unexpected character after '=': '~'");
        } else {
          emit(TokenType.EQL, start);
        }
      }
      case '!' -> {
        if (peek(0) == '=') {
          pos++;
          emit(TokenType.NEQ, start);
        } else {
          throw error(start, "unexpected character after '!': " + charQuote(peek(0)));
        }
      }
      case '<' -> {
        if (peek(0) == '=') {
          pos++;
          emit(TokenType.LTE, start);
        } else {
          emit(TokenType.LSS, start);
        }
      }
      case '>' -> {
        if (peek(0) == '=') {
          pos++;
          emit(TokenType.GTE, start);
        } else {
          emit(TokenType.GTR, start);
        }
      }
      case '"', '\'', '`' -> {
        pos--;
        lexString();
      }
      case '(' -> {
        parenDepth++;
        emit(TokenType.LEFT_PAREN, start);
      }
      case ')' -> {
        if (parenDepth == 0) {
          throw error(start + 1, "unexpected right parenthesis ')'");
        }
        parenDepth--;
        emit(TokenType.RIGHT_PAREN, start);
      }
      case '{' -> {
        braceOpen = true;
        emit(TokenType.LEFT_BRACE, start);
      }
      case '}' -> throw error(start, "unexpected right brace '}'");
      case '[' -> {
        if (bracketOpen) {
          throw error(start, "unexpected left bracket '['");
        }
        bracketOpen = true;
        gotColon = false;
        emit(TokenType.LEFT_BRACKET, start);
      }
      case ']' -> {
        if (!bracketOpen) {
          throw error(start, "unexpected right bracket ']'");
        }
        bracketOpen = false;
        emit(TokenType.RIGHT_BRACKET, start);
      }
      default -> throw error(start, "unexpected character: " + charQuote(c));
    }
  }

  private void lexIdentifierOrKeyword() {
    int start = pos;
    while (pos < in.length() && (isAlphaNumeric(in.charAt(pos)) || in.charAt(pos) == ':')) {
      pos++;
    }
    String word = in.substring(start, pos);
    String lower = word.toLowerCase(Locale.ROOT);
    TokenType kw = KEYWORDS.get(lower);
    if (kw != null) {
      emit(kw, start);
    } else if (AggregateOp.fromKeyword(lower) != null) {
      emit(TokenType.AGGREGATOR, start);
    } else if (lower.equals("inf") || lower.equals("nan")) {
      emit(TokenType.NUMBER, start);
    } else if (word.indexOf(':') >= 0) {
      emit(TokenType.METRIC_IDENTIFIER, start);
    } else {
      emit(TokenType.IDENTIFIER, start);
    }
  }

  private void lexNumberOrDuration() {
    int start = pos;
    if (scanNumber()) {
      if (bracketOpen) {
        throw error(start, "missing unit character in duration");
      }
      emit(TokenType.NUMBER, start);
      return;
    }
    // Prometheus continues from where the number stopped: 5m, 1h30m, 100ms (and 1.5m, rejected later)
    if (acceptRemainingDuration()) {
      emit(TokenType.DURATION, start);
      return;
    }
    int end = pos;
    while (end < in.length() && (isAlphaNumeric(in.charAt(end)) || in.charAt(end) == '.')) {
      end++;
    }
    throw error(start, "bad number or duration syntax: " + io.strata.promql.ast.GoFormat.quote(in.substring(start, end)));
  }

  private boolean acceptRemainingDuration() {
    if ("smhdwy".indexOf(peek(0)) < 0 || peek(0) == '\0') {
      return false;
    }
    pos++;
    if (peek(0) == 's') {
      pos++;
    }
    while (isDigit(peek(0))) {
      while (isDigit(peek(0))) {
        pos++;
      }
      if ("smhdw".indexOf(peek(0)) < 0 || peek(0) == '\0') {
        return false;
      }
      pos++;
      if (peek(0) == 's') {
        pos++;
      }
    }
    return !isAlphaNumeric(peek(0));
  }

  private boolean scanNumber() {
    String digits = "0123456789";
    if (peek(0) == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      pos += 2;
      digits = "0123456789abcdefABCDEF";
    }
    while (digits.indexOf(peek(0)) >= 0 && peek(0) != '\0') {
      pos++;
    }
    if (peek(0) == '.') {
      pos++;
      while (digits.indexOf(peek(0)) >= 0 && peek(0) != '\0') {
        pos++;
      }
    }
    if (digits.length() == 10 && (peek(0) == 'e' || peek(0) == 'E')) {
      pos++;
      if (peek(0) == '+' || peek(0) == '-') {
        pos++;
      }
      while (isDigit(peek(0))) {
        pos++;
      }
    }
    return !isAlphaNumeric(peek(0));
  }

  private void lexString() {
    int start = pos;
    char quote = in.charAt(pos++);
    if (quote == '`') {
      while (true) {
        if (pos >= in.length()) {
          throw error(start, "unterminated raw string");
        }
        if (in.charAt(pos++) == '`') {
          break;
        }
      }
      emit(TokenType.STRING, start);
      return;
    }
    while (true) {
      if (pos >= in.length() || in.charAt(pos) == '\n') {
        throw error(start, "unterminated quoted string");
      }
      char c = in.charAt(pos++);
      if (c == quote) {
        break;
      }
      if (c == '\\') {
        if (pos >= in.length()) {
          throw error(start, "unterminated quoted string");
        }
        char e = in.charAt(pos);
        int n = switch (e) {
          case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\' -> 0;
          case 'x' -> 2;
          case 'u' -> 4;
          case 'U' -> 8;
          default -> {
            if (e == quote) {
              yield 0;
            }
            if (e >= '0' && e <= '7') {
              yield -3;
            }
            throw error(pos - 2, "unknown escape sequence " + escapeName(e));
          }
        };
        if (n == -3) {
          int v = 0;
          for (int i = 0; i < 3; i++) {
            char d = pos < in.length() ? in.charAt(pos) : '\0';
            if (d < '0' || d > '7') {
              throw error(pos, "illegal character " + escapeName(d) + " in escape sequence");
            }
            v = v * 8 + (d - '0');
            pos++;
          }
          if (v > 255) {
            throw error(start, "escape sequence is an invalid Unicode code point");
          }
        } else if (n > 0) {
          pos++;
          long v = 0;
          for (int i = 0; i < n; i++) {
            char d = pos < in.length() ? in.charAt(pos) : '\0';
            int dv = Character.digit(d, 16);
            if (dv < 0) {
              throw error(pos, "illegal character " + escapeName(d) + " in escape sequence");
            }
            v = v * 16 + dv;
            pos++;
          }
          if (e != 'x' && (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))) {
            throw error(start, "escape sequence is an invalid Unicode code point");
          }
        } else {
          pos++;
        }
      }
    }
    emit(TokenType.STRING, start);
  }

  /** Decodes a STRING token's text (with its quotes) into its value. */
  static String unquote(String text) {
    char quote = text.charAt(0);
    String body = text.substring(1, text.length() - 1);
    if (quote == '`') {
      return body;
    }
    StringBuilder sb = new StringBuilder(body.length());
    java.io.ByteArrayOutputStream pendingBytes = new java.io.ByteArrayOutputStream();
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i++);
      if (c != '\\') {
        flushBytes(pendingBytes, sb);
        sb.append(c);
        continue;
      }
      char e = body.charAt(i++);
      switch (e) {
        case 'a' -> appendChar(pendingBytes, sb, 7);
        case 'b' -> appendChar(pendingBytes, sb, '\b');
        case 'f' -> appendChar(pendingBytes, sb, '\f');
        case 'n' -> appendChar(pendingBytes, sb, '\n');
        case 'r' -> appendChar(pendingBytes, sb, '\r');
        case 't' -> appendChar(pendingBytes, sb, '\t');
        case 'v' -> appendChar(pendingBytes, sb, 11);
        case 'x' -> {
          // \xHH is a raw byte in Go strings; consecutive bytes form UTF-8 sequences
          pendingBytes.write(Integer.parseInt(body.substring(i, i + 2), 16));
          i += 2;
        }
        case 'u' -> {
          flushBytes(pendingBytes, sb);
          sb.appendCodePoint(Integer.parseInt(body.substring(i, i + 4), 16));
          i += 4;
        }
        case 'U' -> {
          flushBytes(pendingBytes, sb);
          sb.appendCodePoint(Integer.parseInt(body.substring(i, i + 8), 16));
          i += 8;
        }
        default -> {
          if (e >= '0' && e <= '7') {
            pendingBytes.write(Integer.parseInt(body.substring(i - 1, i + 2), 8));
            i += 2;
          } else {
            appendChar(pendingBytes, sb, e);
          }
        }
      }
    }
    flushBytes(pendingBytes, sb);
    return sb.toString();
  }

  private static void appendChar(java.io.ByteArrayOutputStream pending, StringBuilder sb, int c) {
    flushBytes(pending, sb);
    sb.append((char) c);
  }

  private static void flushBytes(java.io.ByteArrayOutputStream pending, StringBuilder sb) {
    if (pending.size() > 0) {
      sb.append(new String(pending.toByteArray(), java.nio.charset.StandardCharsets.UTF_8));
      pending.reset();
    }
  }

  private static String escapeName(char c) {
    return c == '\0' ? "EOF" : String.format("U+%04X '%c'", (int) c, c);
  }

  private static String charQuote(char c) {
    return c == '\0' ? "EOF" : "'" + c + "'";
  }

  static boolean isAlpha(char c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAlphaNumeric(char c) {
    return isAlpha(c) || isDigit(c);
  }
}
