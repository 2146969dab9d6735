// Baseline: a raw node:http handler doing the same I/O per request as a guarded gateway route needs at
// least: one Redis EVALSHA (a rate-limit decision) and one NATS request/reply.
const http = require('node:http');
const Redis = require('ioredis');
const { connect } = require('nats');

const [port, redisUrl, natsUrl, subject] = process.argv.slice(2);
const script = "local c = redis.call('INCR', KEYS[1]) if c == 1 then redis.call('PEXPIRE', KEYS[1], 60000) end return c";
(async () => {
  const redis = new Redis(redisUrl);
  const sha = await redis.script('LOAD', script);
  const nats = await connect({ servers: natsUrl });
  const payload = new TextEncoder().encode('{"userId":"00000000-0000-0000-0000-000000000000","resource":"roles","action":"read"}');
  http
    .createServer(async (req, res) => {
      try {
        await redis.evalsha(sha, 1, 'bench:raw:' + req.socket.remoteAddress);
        const reply = await nats.request(subject, payload, { timeout: 5000 });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end(reply.data);
      } catch (error) {
        res.writeHead(503);
        res.end();
      }
    })
    .listen(Number(port), '127.0.0.1');
  process.on('SIGTERM', () => process.exit(0));
})();
