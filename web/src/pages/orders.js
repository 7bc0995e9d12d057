// Paper orders (docs/trading-api.md): place (POST /api/v1/orders), list (GET), cancel
// (POST /api/v1/orders/{id}/cancel). Fills and positions are not served by the API yet; the page
// says so rather than showing made-up numbers.
import { get, post } from '../api.js';
import { beijingTime, count, errorBox, h, price, replace, table } from '../dom.js';

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
  type.addEventListener('change', () => { limitPrice.disabled = type.value === 'market'; });

  async function reload() {
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
    h('section', { class: 'card' }, h('h2', {}, 'Fills and positions'),
      h('p', { class: 'muted', id: 'positions-note' }, 'Not served by the API yet: the order list shows each order\'s filled quantity and status; per-fill history and positions will appear here once the server exposes them.'))),
  h('h2', {}, 'Orders'), list);
  reload();
  const timer = setInterval(reload, 5000);
  return () => clearInterval(timer);
}
