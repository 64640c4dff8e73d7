package io.strata.promql.parser;

/** Lexical token kinds. */
enum TokenType {
  EOF, IDENTIFIER, METRIC_IDENTIFIER, NUMBER, DURATION, STRING,
  LEFT_PAREN, RIGHT_PAREN, LEFT_BRACE, RIGHT_BRACE, LEFT_BRACKET, RIGHT_BRACKET, COMMA, COLON, AT,
  // operators
  ADD, SUB, MUL, DIV, MOD, POW, EQLC, NEQ, LTE, LSS, GTE, GTR, LAND, LOR, LUNLESS, ATAN2,
  // label matching operators (inside braces)
  EQL, EQL_REGEX, NEQ_REGEX,
  // keywords
  BY, WITHOUT, ON, IGNORING, GROUP_LEFT, GROUP_RIGHT, BOOL, OFFSET, START, END,
  AGGREGATOR;

  boolean isKeyword() {
    return ordinal() >= BY.ordinal() && ordinal() <= END.ordinal();
  }

  boolean isOperator() {
    return ordinal() >= ADD.ordinal() && ordinal() <= NEQ_REGEX.ordinal();
  }
}
