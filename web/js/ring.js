// The ring of an incoming call, generated with Web Audio (no sound file): the two tones of a
// North American ring (440 + 480 Hz), 2 s on and 4 s off, soft attack and release. The agent
// can mute it (kept in localStorage). Browsers only let a page play sound after a gesture:
// `unlock()` runs on the agent's first click or key, so the ring is ready before a call comes.

const MUTED_KEY = 'mediabar.ringMuted'
const CYCLE_MS = 6000
const ON_S = 2
const VOLUME = 0.12

export class Ringer {
  constructor () {
    this.context = undefined
    this.timer = undefined
    this.ringing = false
    /** Called when the audio context starts or stops (the header says whether sound is allowed). */
    this.onchange = undefined
    /** How many ring bursts were started (a test reads it through the page). */
    this.bursts = 0
    try {
      this.muted = localStorage.getItem(MUTED_KEY) === 'true'
    } catch {
      this.muted = false
    }
  }

  /** Creates (or wakes) the audio context; call it from a user gesture. */
  unlock () {
    if (typeof AudioContext === 'undefined') return
    if (this.context === undefined) {
      try {
        this.context = new AudioContext()
      } catch {
        return
      }
      this.context.onstatechange = () => {
        if (this.ringing && this.context.state === 'running' && this.sounding === undefined) this.#burst()
        this.onchange?.()
      }
    }
    if (this.context.state === 'suspended') void this.context.resume().catch(() => {})
  }

  /** Whether the browser lets the page make sound now (after a click or key on it). */
  get allowed () {
    return this.context?.state === 'running'
  }

  /** Whether a ring is sounding now (ringing, not muted, audio allowed). */
  get playing () {
    return this.ringing && !this.muted && this.context?.state === 'running'
  }

  setMuted (muted) {
    this.muted = muted
    try {
      localStorage.setItem(MUTED_KEY, String(muted))
    } catch {}
    if (muted) this.#silence()
    else if (this.ringing) this.#burst()
  }

  /** Rings while `on` is true; idempotent. */
  set (on) {
    if (on === this.ringing) return
    this.ringing = on
    clearInterval(this.timer)
    this.timer = undefined
    if (!on) {
      this.#silence()
      return
    }
    this.#burst()
    this.timer = setInterval(() => { this.#burst() }, CYCLE_MS)
  }

  #burst () {
    const ctx = this.context
    if (this.muted || ctx === undefined || ctx.state !== 'running') return
    const start = ctx.currentTime + 0.02
    const gain = ctx.createGain()
    gain.gain.setValueAtTime(0, start)
    gain.gain.linearRampToValueAtTime(VOLUME, start + 0.05)
    gain.gain.setValueAtTime(VOLUME, start + ON_S - 0.05)
    gain.gain.linearRampToValueAtTime(0, start + ON_S)
    gain.connect(ctx.destination)
    const oscillators = [440, 480].map(frequency => {
      const osc = ctx.createOscillator()
      osc.frequency.value = frequency
      osc.connect(gain)
      osc.start(start)
      osc.stop(start + ON_S)
      return osc
    })
    this.bursts += 1
    this.sounding = { gain, oscillators }
    oscillators[0].onended = () => {
      if (this.sounding?.gain === gain) this.sounding = undefined
      gain.disconnect()
    }
  }

  #silence () {
    const sounding = this.sounding
    this.sounding = undefined
    if (sounding === undefined) return
    for (const osc of sounding.oscillators) {
      try { osc.stop() } catch {}
    }
    sounding.gain.disconnect()
  }
}
