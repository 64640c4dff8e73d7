// Produces samples straight onto Strata's metrics.samples topic, as any non-Java producer can:
// the registry's schema (schemas/subjects/metrics.samples-value.avsc), the Confluent wire format, and the
// partition rule (murmur2 of the series key, as Kafka's Java client partitions a keyed record).
//
//   node produce.js [series.json]
//
// series.json: [{"labels": {"__name__": "room_temperature_celsius", "room": "r0"}, "samples": [[1767225600000, 21.5], ...]}, ...]
// (timestamps in ms). Without a file it sends one demo sample per series at the current time.
// Settings (environment): STRATA_KAFKA (localhost:9092), STRATA_REGISTRY (http://localhost:8081/apis/ccompat/v7),
// STRATA_TOPIC_PREFIX (""), STRATA_TENANT ("default"), STRATA_SCHEMA_FILE (the schema shipped in schemas/subjects/).
'use strict'

const fs = require('fs')
const path = require('path')
const { Kafka, Partitioners, CompressionTypes, logLevel } = require('kafkajs')
const { SchemaRegistry, SchemaType } = require('@kafkajs/confluent-schema-registry')

const kafkaBrokers = (process.env.STRATA_KAFKA || 'localhost:9092').split(',')
const registryUrl = process.env.STRATA_REGISTRY || 'http://localhost:8081/apis/ccompat/v7'
const prefix = process.env.STRATA_TOPIC_PREFIX || ''
const tenant = process.env.STRATA_TENANT || 'default'
const schemaFile = process.env.STRATA_SCHEMA_FILE ||
  path.join(__dirname, '..', '..', '..', 'schemas', 'subjects', 'metrics.samples-value.avsc')
const topic = prefix + 'metrics.samples'

/** The series key: tenant, then each label's name and value in name order, each as LEB128 length + UTF-8. */
function seriesKey (tenant, sortedLabels) {
  const parts = []
  const put = (s) => {
    const b = Buffer.from(s, 'utf8')
    let n = b.length
    const len = []
    while (n >= 0x80) { len.push((n & 0x7f) | 0x80); n >>>= 7 }
    len.push(n)
    parts.push(Buffer.from(len), b)
  }
  put(tenant)
  for (const l of sortedLabels) { put(l.name); put(l.value) }
  return Buffer.concat(parts)
}

/** Labels sorted by name: JavaScript's string order (UTF-16 code units) is Java's String.compareTo order. */
function sortedLabels (labels) {
  return Object.keys(labels).sort().map((name) => ({ name, value: String(labels[name]) }))
}

function demoSeries () {
  const now = Date.now()
  return ['r0', 'r1', 'r2'].map((room, i) => ({
    labels: { __name__: 'example_room_temperature_celsius', room, job: 'node-example' },
    samples: [[now, 20 + i]]
  }))
}

async function main () {
  const input = process.argv[2] ? JSON.parse(fs.readFileSync(process.argv[2], 'utf8')) : demoSeries()

  // Register our own copy of the schema: the registry finds the version Strata registered (same id).
  // The client checks the subject's compatibility level first: Strata sets BACKWARD on every subject.
  const registry = new SchemaRegistry({ host: registryUrl })
  const { id } = await registry.register({ type: SchemaType.AVRO, schema: fs.readFileSync(schemaFile, 'utf8') },
    { subject: topic + '-value' })

  const kafka = new Kafka({ clientId: 'strata-node-producer', brokers: kafkaBrokers, logLevel: logLevel.WARN })
  const admin = kafka.admin()
  await admin.connect()
  const meta = await admin.fetchTopicMetadata({ topics: [topic] })
  await admin.disconnect()
  const partitionMetadata = meta.topics[0].partitions
  // kafkajs's DefaultPartitioner is Java's for keyed records: toPositive(murmur2(key)) % partitions.
  const partitionOf = Partitioners.DefaultPartitioner()

  // One SampleBatch per partition: every series of a batch must belong on the partition the batch is written to.
  const byPartition = new Map()
  for (const s of input) {
    const labels = sortedLabels(s.labels)
    const p = partitionOf({ topic, partitionMetadata, message: { key: seriesKey(tenant, labels) } })
    if (!byPartition.has(p)) byPartition.set(p, [])
    byPartition.get(p).push({ labels, samples: s.samples.map(([t, v]) => ({ timestamp_ms: t, value: v })) })
  }

  // acks=all and idempotent, like ingest; gzip is the codec every Kafka client reads without an add-on.
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  const written = []
  for (const [partition, series] of byPartition) {
    const value = await registry.encode(id, { tenant, source: 'node-example', series })
    const [res] = await producer.send({ topic, acks: -1, compression: CompressionTypes.GZIP, messages: [{ partition, key: null, value }] })
    written.push({ partition, offset: res.baseOffset, series: series.length })
  }
  await producer.disconnect()
  console.log(JSON.stringify({ schemaId: id, topic, written }))
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
