import { createContext, useContext, type ReactNode } from 'react';
import type { Settee } from '@settee/core';

const SetteeContext = createContext<Settee | undefined>(undefined);

/** Props of {@link SetteeProvider}. */
export interface SetteeProviderProps {
  /** The open `Settee` the hooks below read from; its owner opens and closes it. */
  readonly settee: Settee;
  /** The part of the app that uses the hooks. */
  readonly children?: ReactNode;
}

/**
 * Makes a `Settee` available to the hooks below it, as TanStack Query's `QueryClientProvider` does for its client.
 *
 * ```tsx
 * const settee = await Settee.open(createHttpAdapter({ url }), 'music');
 * root.render(<SetteeProvider settee={settee}><App /></SetteeProvider>);
 * ```
 */
export function SetteeProvider({ settee, children }: SetteeProviderProps): ReactNode {
  return <SetteeContext.Provider value={settee}>{children}</SetteeContext.Provider>;
}

/** The `Settee` given as argument, else the nearest {@link SetteeProvider}'s; throws when there is neither. */
export function useSettee(settee?: Settee): Settee {
  const provided = useContext(SetteeContext);
  const found = settee ?? provided;
  if (found === undefined) throw new Error('useSettee: no Settee given and no <SetteeProvider> above this component');
  return found;
}
