// Paper orders (docs/trading-api.md): place (POST /api/v1/orders), list (GET), cancel
// (POST /api/v1/orders/{id}/cancel), and what the live feed's fills made of them: the account
// (GET /api/v1/account), positions (GET /api/v1/positions) and fills (GET /api/v1/trades).
// Everything reloads every 2 s and after each action (fills are not pushed over Socket.IO).
import { get, post } from '../api.js';
import { beijingTime, count, errorBox, h, price, replace, sign, table } from '../dom.js';

const openStates = new Set(['pending_new', 'new', 'partially_filled']);

export function render(view, presetSymbol) {
  const field = (label, input) => h('label', {}, label, input);
  const symbol = h('input', { name: 'symbol', required: true, value: presetSymbol || '', placeholder: '600519.SH' });
  const side = h('select', { name: 'side' }, h('option', { value: 'buy' }, 'buy'), h('option', { value: 'sell' }, 'sell'));
  const type = h('select', { name: 'type' }, h('option', { value: 'limit' }, 'limit'), h('option', { value: 'market' }, 'market'));
  const limitPrice = h('input', { name: 'price', inputmode: 'decimal', placeholder: 'yuan, 0.01 steps' });
  const quantity = h('input', { name: 'quantity', inputmode: 'numeric', value: '100' });
  const message = h('div', { id: 'order-message', role: 'status' });
  const list = h('div', { id: 'orders' });
  const funds = h('div', { id: 'account' });
  const holdings = h('div', { id: 'positions' });
  const fills = h('div', { id: 'trades' });
  type.addEventListener('change', () => { limitPrice.disabled = type.value === 'market'; });

  async function reloadAccount() {
    try {
      const [account, positions, trades] = await Promise.all([get('/api/v1/account'),
        get('/api/v1/positions'), get('/api/v1/trades', { size: 50 })]);
      const money = (label, value, id) => h('div', { class: 'stat' }, h('span', { class: 'muted' }, label),
        h('strong', { class: 'num', id }, price(value)));
      replace(funds, h('div', { class: 'stats' }, money('Cash', account.cash, 'account-cash'),
        money('Available', account.available_cash), money('Frozen', account.frozen_cash),
        money('Market value', account.market_value, 'account-market-value'),
        money('Total assets', account.total_assets), money('Realized P&L', account.realized_pnl),
        money('Unrealized P&L', account.unrealized_pnl), money('Fees paid', account.total_fees)));
      replace(holdings, positions.length ? table(['Symbol', 'Qty', 'Sellable', 'Frozen', 'Avg cost', 'Last fill', 'Market value', 'Unrealized'],
        positions.map((row) => h('tr', { 'data-symbol': row.symbol }, h('td', {}, row.symbol),
          h('td', { class: 'num' }, count(row.quantity)), h('td', { class: 'num' }, count(row.available_quantity)),
          h('td', { class: 'num' }, count(row.frozen_quantity)), h('td', { class: 'num' }, Number(row.avg_cost).toFixed(4)),
          h('td', { class: 'num' }, price(row.last_price)), h('td', { class: 'num' }, price(row.market_value)),
          h('td', { class: `num ${sign(row.unrealized_pnl)}` }, price(row.unrealized_pnl)))))
        : h('p', { class: 'muted' }, 'No positions yet.'));
      replace(fills, trades.length ? table(['Time', 'Order', 'Symbol', 'Side', 'Price', 'Qty', 'Amount', 'Fees'],
        trades.map((row) => h('tr', { 'data-order-id': row.order_id }, h('td', {}, beijingTime(row.trade_time)),
          h('td', { class: 'mono' }, row.order_id), h('td', {}, row.symbol),
          h('td', { class: row.side === 'buy' ? 'up' : 'down' }, row.side), h('td', { class: 'num' }, price(row.price)),
          h('td', { class: 'num' }, count(row.quantity)), h('td', { class: 'num' }, price(row.amount)),
          h('td', { class: 'num' }, price(Number(row.commission) + Number(row.stamp_tax) + Number(row.transfer_fee))))))
        : h('p', { class: 'muted' }, 'No fills yet.'));
    } catch (error) {
      replace(funds, errorBox(error));
    }
  }

  async function reload() {
    reloadAccount();
    try {
      const orders = await get('/api/v1/orders', { size: 100 });
      replace(list, orders.length ? table(['Created', 'Order', 'Symbol', 'Side', 'Type', 'Price', 'Qty', 'Filled', 'Status', ''],
        orders.map((order) => h('tr', { 'data-order-id': order.order_id },
          h('td', {}, beijingTime(order.created_at)), h('td', { class: 'mono' }, order.order_id),
          h('td', {}, order.symbol), h('td', { class: order.side === 'buy' ? 'up' : 'down' }, order.side),
          h('td', {}, order.order_type), h('td', { class: 'num' }, price(order.price)),
          h('td', { class: 'num' }, count(order.quantity)), h('td', { class: 'num' }, count(order.filled_quantity)),
          h('td', {}, order.status, order.reject_reason ? ` (${order.reject_reason})` : ''),
          h('td', {}, openStates.has(order.status) ? h('button', { class: 'link', onclick: () => cancel(order.order_id) }, 'cancel') : ''))))
        : h('p', { class: 'muted' }, 'No orders yet.'));
    } catch (error) {
      replace(list, errorBox(error));
    }
  }

  async function cancel(id) {
    try {
      const order = await post(`/api/v1/orders/${encodeURIComponent(id)}/cancel`);
      replace(message, h('p', { class: 'ok' }, `Order ${order.order_id}: ${order.status}`));
    } catch (error) {
      replace(message, errorBox(error));
    }
    await reload();
  }

  const form = h('form', { class: 'card order-form', onsubmit: async (event) => {
    event.preventDefault();
    const body = { symbol: symbol.value.trim(), side: side.value, type: type.value, quantity: Number(quantity.value) };
    if (type.value === 'limit') body.price = limitPrice.value.trim();
    try {
      const order = await post('/api/v1/orders', body);
      replace(message, h('p', { class: 'ok' }, `Order ${order.order_id} ${order.status}`));
    } catch (error) {
      replace(message, errorBox(error));
    }
    await reload();
  } }, h('h2', {}, 'Place a paper order'), field('Symbol', symbol), field('Side', side), field('Type', type),
  field('Price', limitPrice), field('Quantity', quantity), h('button', { type: 'submit', id: 'place-order' }, 'Place order'), message);

  replace(view, h('h1', {}, 'Paper orders'), h('div', { class: 'grid2' }, form,
    h('section', { class: 'card' }, h('h2', {}, 'Account'), funds)),
  h('h2', {}, 'Positions'), holdings, h('h2', {}, 'Orders'), list, h('h2', {}, 'Fills'), fills);
  reload();
  const timer = setInterval(reload, 2000);
  return () => clearInterval(timer);
}
