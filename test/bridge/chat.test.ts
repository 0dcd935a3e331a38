// test/chat.test.ts again, over the CTI bridge: the same chats against a simulator connector
// (test/helpers/app.ts, TEST_CTI=bridge), its chat controls forwarded by the /simulator routes.
import t from 'tap'

process.env.TEST_CTI = 'bridge'
t.setTimeout(180_000)
await import('../chat.test.js')
