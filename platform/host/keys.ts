// Key input as a host provides it: a press or a release of a board key role, with the instant it
// happened. The host maps its hardware (a GPIO matrix, an evdev device, a serial panel's key
// frames, a terminal's keystrokes, a click in the simulator) to the board's roles ("key.blf.3",
// "key.dnd", "key.soft.0"; see boards/) and hands them to core/keys' KeyPressTracker, which turns
// them into commands.

export interface KeySourceOptions {
  /**
   * A key changed state. `at` is Clock.now() at the change; sources that only see presses
   * (terminals) report a release right after the press with the same `at`.
   */
  readonly onKey: (this: KeySource, role: string, pressed: boolean, at: number) => void;
  readonly onError?: (this: KeySource) => void;
}

export interface KeySource {
  close(): void;
}

export interface KeySourceConstructor {
  new (options: KeySourceOptions): KeySource;
}
