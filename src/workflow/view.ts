import { interpret, type Service as RobotService } from 'robot3'
import type { CompiledView, StateView, ViewEvent } from './call-model.js'

/**
 * One running view (the session's, or one interaction's): a robot3 service over the compiled
 * machine. robot3 silently ignores events a state does not accept; that is what we want here.
 */
export class ViewInstance {
  readonly #view: CompiledView
  readonly #service: RobotService<any>

  constructor (view: CompiledView) {
    this.#view = view
    // robot3 throws on the first transition when no onChange is given (STACK.md pitfall 10).
    this.#service = interpret(view.machine, noop)
  }

  get state (): string {
    return this.#service.machine.current as string
  }

  /** What the current state shows. */
  get current (): StateView {
    return this.#view.states.get(this.state) as StateView
  }

  send (event: ViewEvent): void {
    this.#service.send(event)
  }

  /** See capabilityAllows. */
  allows (command: string): boolean | undefined {
    return capabilityAllows(this.current, this.#view.known, command)
  }
}

function noop (): void {}

/**
 * Whether a command may be sent now, by the view that governs its target: false when the view
 * knows the capability and it is disabled, true when enabled, undefined when the view does not
 * know it (the CTI decides).
 */
export function capabilityAllows (view: StateView, known: ReadonlySet<string>, command: string): boolean | undefined {
  if (!known.has(command)) return undefined
  return view.enabled.has(command)
}
