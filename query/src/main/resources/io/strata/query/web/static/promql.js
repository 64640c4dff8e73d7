// PromQL for the editor: tokens for highlighting and what to complete at the cursor (Prometheus 2.42's lexer
// classes, written for display; the server's parser stays the judge of what is valid).

export const FUNCTIONS = ['abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh',
  'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time',
  'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'exp', 'floor',
  'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_sum', 'holt_winters', 'hour', 'idelta',
  'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'max_over_time',
  'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate',
  'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort', 'sort_desc', 'sqrt', 'stddev_over_time',
  'stdvar_over_time', 'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year'];
export const AGGREGATIONS = ['avg', 'bottomk', 'count', 'count_values', 'group', 'max', 'min', 'quantile', 'stddev',
  'stdvar', 'sum', 'topk'];
export const KEYWORDS = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or',
  'unless', 'atan2', 'start', 'end'];

const FUNCTION_SET = new Set(FUNCTIONS);
const AGGREGATION_SET = new Set(AGGREGATIONS);
const KEYWORD_SET = new Set(KEYWORDS);

const PATTERNS = [
  ['comment', /^#[^\n]*/],
  ['string', /^"(?:[^"\\\n]|\\.)*"?|^'(?:[^'\\\n]|\\.)*'?|^`[^`]*`?/],
  ['duration', /^\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*/],
  ['number', /^(?:0x[0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[iI]nf\b|NaN\b)/],
  ['ident', /^[a-zA-Z_:][a-zA-Z0-9_:]*/],
  ['operator', /^(?:=~|!~|!=|==|<=|>=|[-+*/%^<>=])/],
  ['paren', /^[(){}[\],@]/],
  ['space', /^\s+/],
];

/** The expression as [{type, text}]; types: comment string duration number metric label function aggregation keyword operator paren space error. */
export function tokenize(src) {
  const out = [];
  let braces = 0;
  let i = 0;
  while (i < src.length) {
    const rest = src.slice(i);
    let type = 'error';
    let text = rest[0];
    for (const [t, re] of PATTERNS) {
      const m = re.exec(rest);
      if (m && m[0].length) {
        type = t;
        text = m[0];
        break;
      }
    }
    if (type === 'paren') {
      if (text === '{') braces++;
      if (text === '}') braces = Math.max(0, braces - 1);
    }
    if (type === 'ident') {
      const next = rest.slice(text.length).trimStart()[0];
      if (braces > 0) type = 'label';
      else if (AGGREGATION_SET.has(text) && (next === '(' || /^\s*(by|without)\b/.test(rest.slice(text.length)))) type = 'aggregation';
      else if (FUNCTION_SET.has(text) && next === '(') type = 'function';
      else if (KEYWORD_SET.has(text.toLowerCase())) type = 'keyword';
      else type = 'metric';
    }
    out.push({type, text});
    i += text.length;
  }
  return out;
}

/**
 * What to complete for the text before the cursor: {kind: 'metric'|'labelName'|'labelValue'|null, prefix,
 * metric, label}. `metric` is the metric name the selector at the cursor belongs to, when it has one.
 */
export function completionContext(before) {
  let brace = -1;
  let bracket = false;
  let quote = null;
  for (let i = 0; i < before.length; i++) {
    const c = before[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '{') brace = i;
    else if (c === '}') brace = -1;
    else if (c === '[') bracket = true;
    else if (c === ']') bracket = false;
    else if (c === '#') return {kind: null};
  }
  if (brace >= 0) {
    const metric = (/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/.exec(before.slice(0, brace)) || [])[1];
    const inside = before.slice(brace + 1);
    if (quote) {
      const m = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)\s*["'`]((?:[^"'`\\]|\\.)*)$/.exec(inside);
      return m ? {kind: 'labelValue', label: m[1], prefix: m[2], metric} : {kind: null};
    }
    const m = /(?:^|,)\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(inside);
    return m ? {kind: 'labelName', prefix: m[1] || '', metric} : {kind: null};
  }
  if (quote || bracket) return {kind: null};
  const grouping = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)$/.exec(before);
  if (grouping) {
    return {kind: 'labelName', prefix: (/([a-zA-Z_][a-zA-Z0-9_]*)?$/.exec(grouping[1]) || [])[1] || ''};
  }
  const word = /[a-zA-Z_:][a-zA-Z0-9_:]*$/.exec(before);
  if (!word || /\d$/.test(before.slice(0, before.length - word[0].length))) return {kind: null};
  return {kind: 'metric', prefix: word[0]};
}
