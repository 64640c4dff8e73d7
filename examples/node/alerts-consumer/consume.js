#!/usr/bin/env node
// Reads Strata's compacted alerts topic (metrics.alerts) and prints each alert's current state as one JSON
// line. Records are AlertEvent in the Confluent wire format: the writer schema is fetched from the registry
// by the id in each record (no .avsc file, no generated code). A null value (tombstone) retires the key.
//
//   node consume.js --bootstrap 127.0.0.1:9092 --registry http://127.0.0.1:8081/apis/ccompat/v7 \
//       [--topic metrics.alerts] [--follow] [--idle-ms 3000]
//
// Without --follow it reads the topic from the beginning up to its end at start and exits (at the last
// offset, or after --idle-ms without a record: a transactional topic ends with a commit marker, which is
// never delivered): a new consumer of the compacted topic gets the current state of every alert.
// read_committed (kafkajs's default): only what the rule job committed.
'use strict';

const { Kafka, logLevel } = require('kafkajs');
const { SchemaRegistry } = require('@kafkajs/confluent-schema-registry');

function args(argv) {
  const out = { topic: 'metrics.alerts', follow: false, 'idle-ms': '3000' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--follow') out.follow = true;
    else if (a === '--bootstrap' || a === '--registry' || a === '--topic' || a === '--idle-ms') out[a.slice(2)] = argv[++i];
    else throw new Error(`unknown argument ${a}`);
  }
  if (!out.bootstrap || !out.registry) {
    throw new Error('usage: consume.js --bootstrap HOST:PORT --registry URL [--topic metrics.alerts] [--follow]');
  }
  return out;
}

const iso = (ms) => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

// Avro unions decode as {"long": n} in some decoders; avsc (used by the registry client) gives the value or null
const unwrap = (v) => (v !== null && typeof v === 'object' && 'long' in v ? v.long : v);

function describe(key, e) {
  return {
    key,
    tenant: e.tenant,
    alertname: e.alert_name,
    group: e.rule_group,
    state: e.state,
    labels: e.labels,
    annotations: e.annotations,
    value: e.value,
    activeAt: iso(e.active_at_ms),
    startsAt: iso(unwrap(e.starts_at_ms)),
    endsAt: iso(unwrap(e.ends_at_ms)),
    generatorURL: e.generator_url,
  };
}

async function main() {
  const opt = args(process.argv.slice(2));
  const registry = new SchemaRegistry({ host: opt.registry });
  const kafka = new Kafka({ clientId: 'strata-alerts-consumer', brokers: [opt.bootstrap], logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  // the end of each partition now: without --follow, stop once every partition is read up to it
  const ends = new Map();
  for (const p of await admin.fetchTopicOffsets(opt.topic)) ends.set(p.partition, BigInt(p.high));
  await admin.disconnect();

  const consumer = kafka.consumer({ groupId: `strata-alerts-consumer-${process.pid}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: opt.topic, fromBeginning: true });
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([p]) => p));
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  if (!opt.follow && remaining.size === 0) finish();
  // idle time counts from joining the group (assignment takes a few seconds) or from the last record
  let lastRecordAt = null;
  consumer.on(consumer.events.GROUP_JOIN, () => { lastRecordAt = Date.now(); });
  const idle = opt.follow ? null : setInterval(() => {
    if (lastRecordAt !== null && Date.now() - lastRecordAt >= Number(opt['idle-ms'])) finish();
  }, 100);
  await consumer.run({
    autoCommit: false,
    eachMessage: async ({ partition, message }) => {
      lastRecordAt = Date.now();
      const key = message.key ? message.key.toString('utf8') : null;
      if (message.value === null) {
        console.log(JSON.stringify({ key, retired: true }));
      } else {
        console.log(JSON.stringify(describe(key, await registry.decode(message.value))));
      }
      if (!opt.follow && BigInt(message.offset) + 1n >= ends.get(partition)) {
        remaining.delete(partition);
        if (remaining.size === 0) finish();
      }
    },
  });
  if (!opt.follow) {
    await done;
    clearInterval(idle);
    await consumer.disconnect();
  }
}

main().catch((e) => {
  console.error(`strata-alerts-consumer: ${e.message}`);
  process.exit(1);
});
