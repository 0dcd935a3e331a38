import t from 'tap'
import { TARGET_SCOPES, formatTarget, interactionOf, parseTarget, scopeOf, type TargetIds } from '../../src/schemas/target.js'

const S = 'Simulator-agent1'

// target, what it reads as, its scope, the interaction it belongs to
const cases: Array<[string, TargetIds | undefined, string | undefined, string | undefined]> = [
  [S, { scope: 'session', sessionId: S }, 'session', undefined],
  [`${S}.voice`, { scope: 'channel', sessionId: S, channelId: 'voice' }, 'channel', undefined],
  [`${S}.voice.ix-1`, { scope: 'interaction', sessionId: S, channelId: 'voice', interactionId: 'ix-1' }, 'interaction', `${S}.voice.ix-1`],
  [`${S}.voice.ix-1.leg-2`, { scope: 'conversation', sessionId: S, channelId: 'voice', interactionId: 'ix-1', conversationId: 'leg-2' }, 'conversation', `${S}.voice.ix-1`],
  [`${S}.voice.ix-1.leg-2.more`, undefined, undefined, `${S}.voice.ix-1`],
  ['', undefined, 'session', undefined],
  [`${S}.`, undefined, 'channel', undefined],
  [`${S}..ix-1`, undefined, 'interaction', `${S}..ix-1`],
  [`${S}.voice.ix-1.`, undefined, 'conversation', `${S}.voice.ix-1`],
  ['.voice', undefined, 'channel', undefined]
]

for (const [target, ids, scope, interaction] of cases) {
  t.test(`target ${JSON.stringify(target)}`, async t => {
    t.same(parseTarget(target), ids, 'parse')
    t.equal(scopeOf(target), scope, 'scope (by depth alone)')
    t.equal(interactionOf(target), interaction, 'its interaction')
    if (ids !== undefined) {
      const { scope: _scope, sessionId, ...parts } = ids
      t.equal(formatTarget(sessionId, parts), target, 'format is the inverse of parse')
      t.equal(target.split('.').length, TARGET_SCOPES.indexOf(ids.scope) + 1, 'depth')
    }
  })
}
