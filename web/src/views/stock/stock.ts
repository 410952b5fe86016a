// 备件库存 / Spare parts (issue 16): the shapes of the stock and cost API
// (docs: the contract in docs/api.md, /api/v1/stock/* and /api/v1/costs),
// and what its screens share: the warehouses for the pickers, the kinds and
// states labelled, a part's serial tracking.
import { ref } from 'vue';
import { api, type Page } from '@/api/client';
import type { Transition } from '@/api/types';

export interface StockLevel {
  id: number | string;
  part_id: number;
  part_code: string;
  part_name: string;
  part_unit?: string;
  warehouse_id: number;
  warehouse_code?: string;
  warehouse_name: string;
  on_hand: number;
  on_loan: number;
  in_transit: number;
  avg_cost_fen: number;
  value_fen: number;
  reorder_point: number;
  reorder_qty: number;
  low: boolean;
  last_move_at: string | null;
  idle: boolean;
}

export interface StockMove {
  id: number;
  kind: string;
  part_id: number;
  part_code: string;
  part_name: string;
  warehouse_id: number;
  warehouse_name: string;
  qty: number;
  unit_cost_fen: number;
  value_fen: number;
  on_hand_after: number;
  avg_after_fen: number;
  source?: string | null;
  doc_kind?: string | null;
  doc_id?: number | null;
  reason?: string | null;
  created_by_name?: string | null;
  created_at: string;
}

interface StockDoc {
  id: number;
  number: string;
  state: string;
  part_id: number;
  part_code: string;
  part_name: string;
  qty: number;
  version: number;
  created_at: string;
  updated_at?: string;
  transitions?: Transition[];
}

export interface Requisition extends StockDoc {
  warehouse_id: number;
  warehouse_name: string;
  doc_kind: string;
  doc_id: number;
  doc_no?: string | null;
  billing: string;
  value_fen: number;
  needs_approval: boolean;
  approval_reason: string | null;
  old_serial: string | null;
  new_serial: string | null;
  note: string | null;
  decision_note: string | null;
  requested_by_name?: string | null;
  decided_by?: number | null;
  decided_at?: string | null;
}

export interface Loan extends StockDoc {
  warehouse_id: number;
  warehouse_name: string;
  returned_qty: number;
  borrower_id: number;
  borrower_name: string;
  due_date: string;
  overdue: boolean;
  note: string | null;
}

export interface Transfer extends StockDoc {
  from_warehouse_id: number;
  from_warehouse_name: string;
  to_warehouse_id: number;
  to_warehouse_name: string;
  unit_cost_fen: number;
  note: string | null;
  sent_at?: string | null;
  received_at?: string | null;
}

export interface StockCount extends StockDoc {
  warehouse_id: number;
  warehouse_name: string;
  book_qty: number;
  counted_qty: number;
  diff: number;
  value_fen: number;
  reason: string | null;
  decision_note: string | null;
  counted_by_name?: string | null;
}

export interface CostLine {
  id: number;
  doc_kind: string;
  doc_id: number;
  kind: string;
  billing: string;
  minutes: number | null;
  rate_fen: number | null;
  qty: number | null;
  part_code: string | null;
  amount_fen: number;
  note: string | null;
  created_by_name?: string | null;
  created_at: string;
}

export interface CostSummary {
  total_fen: number;
  by_kind: Record<string, number>;
  by_billing: Record<string, number>;
}

export const MOVE_KINDS = ['receipt', 'issue', 'loan', 'loan_return', 'transfer_out', 'transfer_in', 'count', 'scrap'];
export const REQ_STATES = ['pending', 'issued', 'rejected', 'cancelled'];
export const BILLINGS = ['paid', 'warranty', 'contract'];
export const COST_KINDS = ['labour', 'travel', 'transport', 'compensation', 'other'];

export interface WarehouseOpt {
  id: number;
  code: string;
  name: string;
  kind?: string;
  keeper_id?: number | null;
  active?: boolean;
}

// the warehouses are few: read once for every picker of the session
const warehouses = ref<WarehouseOpt[]>([]);
let whLoading: Promise<void> | null = null;
export function useWarehouses() {
  if (!whLoading)
    whLoading = (async () => {
      const all: WarehouseOpt[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const p: Page<WarehouseOpt> = await api.get('/api/v1/warehouses', { limit: 200, cursor });
        all.push(...p.items);
        if (!p.next_cursor) break;
        cursor = p.next_cursor;
      }
      warehouses.value = all;
    })().catch(() => {
      whLoading = null;
    });
  return warehouses;
}

/** the part's record (serial_tracked, approval_required, unit), or null */
export async function partOf(id: number | null): Promise<Record<string, unknown> | null> {
  if (!id) return null;
  try {
    return await api.get<Record<string, unknown>>(`/api/v1/parts/${id}`);
  } catch {
    return null;
  }
}

/** on hand of a part in a warehouse as the levels list gives it (0 when it has no level yet) */
export async function onHandOf(partId: number, warehouseId: number): Promise<StockLevel | null> {
  const p = await api.get<Page<StockLevel>>('/api/v1/stock/levels', { part_id: partId, warehouse_id: warehouseId, limit: 1 });
  return p.items[0] || null;
}

export function reqStateTag(s: string): 'success' | 'warning' | 'danger' | 'info' {
  return s === 'issued' || s === 'approved' || s === 'received' || s === 'returned' ? 'success' : s === 'pending' || s === 'in_transit' || s === 'open' ? 'warning' : s === 'rejected' ? 'danger' : 'info';
}
