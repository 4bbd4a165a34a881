// The dashboard's one layout primitive: a fixed-width label, then the row's content.
import { Text } from 'ink';
import type { ReactNode } from 'react';

/** A colour when colour is on, undefined (no escape code) when NO_COLOR or not a terminal. */
export type Paint = (color: string) => string | undefined;

const LABEL_WIDTH = 9;

export function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Text>
      {label.padEnd(LABEL_WIDTH)}
      {children}
    </Text>
  );
}
