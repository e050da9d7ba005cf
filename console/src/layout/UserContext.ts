import { createContext, useContext } from 'react';
import type { Me } from '../api/types';

export const UserContext = createContext<Me | undefined>(undefined);

/** The signed-in user; screens render only inside the signed-in layout, where it is always set. */
export function useMe(): Me {
  const me = useContext(UserContext);
  if (!me) throw new Error('useMe outside the signed-in layout');
  return me;
}

export const isCountyLevel = (me: Me) => me.township === undefined;
