// The simulated customer phone's page: static HTML and CSS, no data in it. Everything
// shown comes from the sandbox APIs through /sandbox/phone/app.js, which builds the DOM
// with textContent only. The CSP allows scripts from this server and nothing else.

export const PHONE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const CSS = `
*{box-sizing:border-box}[hidden]{display:none!important}
html,body{height:100%}body{margin:0;font:15px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111b21;background:#d1d7db}
button{font:inherit;cursor:pointer}button:disabled{cursor:default;opacity:.55}
.phone{position:relative;display:flex;flex-direction:column;height:100vh;height:100dvh;max-width:30rem;margin:0 auto;background:#efeae2;box-shadow:0 0 12px #0002;overflow:hidden}
.bar{display:flex;align-items:center;gap:.6rem;padding:.55rem .6rem;background:#008069;color:#fff}
.avatar{flex:none;width:38px;height:38px;border-radius:50%;background:#dfe5e7;color:#54656f;display:grid;place-items:center;font-weight:700;font-size:1.05rem}
.who{flex:1;min-width:0}.name{font-weight:600;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}.sub{font-size:.78rem;opacity:.85;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.icon{flex:none;width:40px;height:40px;border:0;border-radius:50%;background:transparent;color:inherit;display:grid;place-items:center;padding:0}
.icon svg{width:22px;height:22px;fill:currentColor}
.setup{display:flex;gap:.5rem;padding:.45rem .6rem;background:#f0f2f5;border-bottom:1px solid #d1d7db;font-size:.8rem;color:#54656f}
.setup label{display:flex;flex-direction:column;gap:.1rem;min-width:0}.setup label.grow{flex:1}
.setup input,.setup select{font:inherit;font-size:.9rem;color:#111b21;padding:.3rem .4rem;border:1px solid #c8cfd3;border-radius:6px;background:#fff;min-width:0}
.setup input{width:9.5rem}.setup select{width:100%}
.banner{margin:0;padding:.2rem .6rem;background:#fff4d6;color:#6b4b00;font-size:.72rem;text-align:center}
.chat{flex:1;overflow-y:auto;padding:.6rem .7rem 1rem;display:flex;flex-direction:column;gap:.3rem}
.chip{align-self:center;max-width:90%;background:#fff;color:#54656f;font-size:.75rem;padding:.3rem .6rem;border-radius:7px;text-align:center;box-shadow:0 1px .5px #0b141a21}
.chip.notice{background:#ffeecd;color:#54656f}
.row{display:flex}.row.out{justify-content:flex-end}.row.in{justify-content:flex-start}
.bubble{position:relative;max-width:85%;min-width:4.5rem;padding:.35rem .5rem .3rem;border-radius:8px;background:#fff;box-shadow:0 1px .5px #0b141a21;overflow-wrap:anywhere}
.out .bubble{background:#d9fdd3}
.text{white-space:pre-wrap;margin:0}.text a{color:#027eb5}
.meta{float:right;margin:.35rem 0 -.1rem .6rem;font-size:.68rem;color:#667781;display:inline-flex;align-items:center;gap:.2rem;line-height:1}
.ticks{display:inline-flex}.ticks svg{width:16px;height:11px;fill:none;stroke:#8696a0;stroke-width:1.6}.ticks[data-status=read] svg{stroke:#53bdeb}
.ticks[data-status=failed]{color:#d42a2a;font-weight:700;font-size:.8rem}
.row.failed .bubble{background:#fdecec}.err{margin:.25rem 0 0;color:#b42318;font-size:.75rem}
.quote{border-left:4px solid #06cf9c;background:#0000000d;border-radius:6px;padding:.2rem .45rem;margin-bottom:.25rem;font-size:.8rem;color:#54656f;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tag{display:inline-block;font-size:.68rem;color:#667781;text-transform:uppercase;letter-spacing:.03em;margin-bottom:.15rem}
.hdr{font-weight:600;margin:0 0 .2rem}.foot{color:#667781;font-size:.78rem;margin:.2rem 0 0}
.cta{display:flex;justify-content:center;align-items:center;gap:.35rem;margin:.45rem -.5rem -.3rem;padding:.55rem;border-top:1px solid #e9edef;color:#027eb5;font-weight:500;text-decoration:none;background:none;border-left:0;border-right:0;border-bottom:0;width:calc(100% + 1rem)}
.cta svg{width:16px;height:16px;fill:currentColor}.cta+.cta{margin-top:.3rem}
.plist{list-style:none;margin:.3rem 0 0;padding:0}.plist .sec{font-size:.75rem;font-weight:600;color:#008069;text-transform:uppercase;margin:.45rem 0 .15rem}
.pitem{display:flex;gap:.5rem;align-items:center;padding:.3rem 0;border-top:1px solid #e9edef}.pitem .thumb{width:40px;height:40px;font-size:1rem}.pitem .pinfo{font-size:.85rem}
.pitem button{border:1px solid #c8cfd3;border-radius:999px;background:#fff;color:#027eb5;font-size:.75rem;padding:.2rem .55rem}
.card{min-width:15rem}.card .band{display:flex;align-items:center;gap:.5rem;margin:-.35rem -.5rem .4rem;padding:.55rem .6rem;background:#0b141a0d;border-radius:8px 8px 0 0}
.band svg{width:26px;height:26px;fill:#54656f}.band b{display:block}.band span{font-size:.75rem;color:#667781}
table.lines{width:100%;border-collapse:collapse;font-size:.85rem;margin:.2rem 0}table.lines td{padding:.12rem 0;vertical-align:top}
table.lines td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums;padding-left:.6rem}
table.lines tr.sum td{color:#667781}table.lines tr.total td{border-top:1px solid #e9edef;font-weight:700;padding-top:.3rem;color:#111b21}
.state{display:flex;flex-wrap:wrap;gap:.3rem;margin:.3rem 0 0}.pill{font-size:.72rem;padding:.08rem .45rem;border-radius:999px;background:#e9edef;color:#3b4a54}
.pill.good{background:#d9fdd3;color:#0a6b3b}.pill.bad{background:#fdecec;color:#b42318}.pill.wait{background:#fff4d6;color:#6b4b00}
.updates{list-style:none;margin:.35rem 0 0;padding:.3rem 0 0;border-top:1px dashed #d1d7db;font-size:.78rem;color:#3b4a54}.updates li{margin:.1rem 0}
.small{display:flex;justify-content:center;gap:1rem;margin:.45rem 0 .1rem;font-size:.72rem}.small button{border:0;background:none;color:#667781;text-decoration:underline;padding:0}
.list-rows{margin:.3rem 0 0;padding:0;list-style:none;border-top:1px solid #e9edef}.list-rows button{display:block;width:100%;text-align:left;border:0;background:none;padding:.35rem .2rem;border-bottom:1px solid #f0f2f5}
.list-rows small{display:block;color:#667781}
.composer{display:flex;align-items:center;gap:.35rem;padding:.4rem .45rem;background:#f0f2f5}
.composer input{flex:1;min-width:0;font:inherit;padding:.6rem .85rem;border:0;border-radius:21px;background:#fff;outline:none}
.composer .icon{color:#54656f}.composer .send{background:#00a884;color:#fff}
.error{margin:0;padding:.35rem .7rem;background:#fdecec;color:#b42318;font-size:.8rem}
.sheet{position:absolute;inset:0;display:flex;flex-direction:column;background:#fff;z-index:2}
.sheet header{display:flex;align-items:center;gap:.4rem;padding:.5rem .6rem;background:#008069;color:#fff}.sheet h2{font-size:1.05rem;margin:0;font-weight:600}
.products{flex:1;overflow-y:auto;list-style:none;margin:0;padding:0}
.product{display:flex;gap:.7rem;align-items:center;padding:.7rem .8rem;border-bottom:1px solid #e9edef}
.thumb{flex:none;width:56px;height:56px;border-radius:8px;background:#e7f7ee;color:#0a6b3b;display:grid;place-items:center;font-weight:700;font-size:1.3rem;object-fit:cover}
.pinfo{flex:1;min-width:0}.pname{font-weight:600;overflow-wrap:anywhere}.pdesc{font-size:.78rem;color:#667781;overflow-wrap:anywhere}.price{font-size:.85rem;margin-top:.1rem}
.qty{display:flex;align-items:center;gap:.35rem}.qty button{width:30px;height:30px;border-radius:50%;border:1px solid #c8cfd3;background:#fff;font-weight:700;line-height:1}
.qty span{min-width:1.3rem;text-align:center;font-variant-numeric:tabular-nums}
.sheet footer{padding:.6rem .8rem;border-top:1px solid #e9edef}
.primary{width:100%;padding:.75rem;border:0;border-radius:999px;background:#008069;color:#fff;font-weight:600}
.flowwrap{flex:1;overflow-y:auto;margin:0}.flowbody{padding:.7rem .9rem;display:flex;flex-direction:column;gap:.6rem}
.fh{font-size:1.2rem;margin:0}.fsh{font-size:1rem;margin:0}.fb{margin:0;white-space:pre-wrap}.fc{margin:0;font-size:.8rem;color:#667781;white-space:pre-wrap}
.ffield{display:flex;flex-direction:column;gap:.2rem;border:0;margin:0;padding:0}.flabel{font-size:.8rem;color:#54656f}.fhelp{font-size:.72rem;color:#667781}
.ffield input,.ffield select,.ffield textarea{font:inherit;padding:.55rem .6rem;border:1px solid #c8cfd3;border-radius:6px;background:#fff;min-width:0}
.fgroup{display:flex;flex-direction:column;gap:.15rem}.fopt{display:flex;gap:.5rem;align-items:flex-start;padding:.35rem .1rem;border-bottom:1px solid #f0f2f5}.fopt small{display:block;color:#667781}
.ferr{color:#b42318}.ffield input[aria-invalid=true]{border-color:#d42a2a;background:#fffafa}.addrfoot{position:sticky;bottom:0;background:#fff;padding:.6rem .8rem;border-top:1px solid #e9edef}
.flink{align-self:flex-start;border:0;background:none;color:#027eb5;padding:0;text-decoration:underline}
`;

const ICON = {
  menu: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M12 7a2 2 0 1 0 0-4 2 2 0 0 0 0 4zm0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4zm0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4z"/></svg>',
  shop: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 4h16l1 5a3 3 0 0 1-2 2.8V20H5v-8.2A3 3 0 0 1 3 9l1-5zm3 9v5h10v-5H7z"/></svg>',
  attach:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6h-1.5z"/></svg>',
  send: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M2 21l21-9L2 3v7l15 2-15 2z"/></svg>',
  back: '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M20 11H7.8l5.6-5.6L12 4l-8 8 8 8 1.4-1.4L7.8 13H20z"/></svg>',
  close:
    '<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M19 6.4L17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19 12 13.4 17.6 19 19 17.6 13.4 12z"/></svg>',
};

export function phonePage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><link rel="icon" href="data:,"><title>chatcart sandbox phone</title>
<style>${CSS}</style>
<script src="/sandbox/phone/render.js" defer></script>
<script src="/sandbox/phone/flow.js" defer></script>
<script src="/sandbox/phone/address.js" defer></script>
<script src="/sandbox/phone/app.js" defer></script>
</head><body>
<div class="phone">
<header class="bar">
<div class="avatar" id="avatar" aria-hidden="true">?</div>
<div class="who"><div class="name" id="shop-name" data-testid="shop-name">Choose a shop</div><div class="sub" id="shop-sub">sandbox</div></div>
<button type="button" class="icon" id="toggle-setup" aria-label="Choose numbers" aria-expanded="true">${ICON.menu}</button>
</header>
<form class="setup" id="setup" autocomplete="off">
<label>Customer (you)<input id="wa-id" data-testid="wa-id" inputmode="numeric" maxlength="15" value="919876543210" aria-label="Customer number (wa_id)"></label>
<label class="grow">Shop's WhatsApp number<select id="number" data-testid="number" aria-label="Sandbox number"></select></label>
</form>
<p class="banner" data-testid="sandbox-banner">Sandbox phone: a simulated WhatsApp customer, no real messages</p>
<main class="chat" id="chat" data-testid="chat" aria-live="polite"></main>
<p class="error" id="error" data-testid="error" role="alert" hidden></p>
<form class="composer" id="composer" autocomplete="off">
<button type="button" class="icon" id="open-catalog" data-testid="open-catalog" aria-label="Catalog">${ICON.shop}</button>
<button type="button" class="icon" id="attach" data-testid="attach" aria-label="Send a photo or document">${ICON.attach}</button>
<input type="file" id="file" data-testid="file" hidden>
<input id="text" data-testid="text" placeholder="Message" maxlength="4096" aria-label="Message">
<button type="submit" class="icon send" id="send" data-testid="send" aria-label="Send">${ICON.send}</button>
</form>
<section class="sheet" id="catalog" data-testid="catalog" hidden>
<header><button type="button" class="icon" id="close-catalog" data-testid="close-catalog" aria-label="Close catalog">${ICON.close}</button><h2 id="catalog-title">Catalog</h2></header>
<ul class="products" id="products"></ul>
<footer><button type="button" class="primary" id="send-cart" data-testid="send-cart" disabled>Send cart</button></footer>
</section>
<section class="sheet" id="flow" data-testid="flow" hidden>
<header><button type="button" class="icon" id="flow-close" data-testid="flow-close" aria-label="Close form">${ICON.close}</button><button type="button" class="icon" id="flow-back" data-testid="flow-back" aria-label="Back" hidden>${ICON.back}</button><h2 id="flow-title" data-testid="flow-title">Form</h2></header>
<form class="flowwrap" id="flow-form" novalidate><div class="flowbody" id="flow-body" data-testid="flow-body"></div></form>
<p class="error" id="flow-error" data-testid="flow-error" role="alert" hidden></p>
<footer id="flow-footer"></footer>
</section>
<section class="sheet" id="address" data-testid="address-sheet" hidden>
<header><button type="button" class="icon" id="address-close" data-testid="address-close" aria-label="Close address form">${ICON.close}</button><h2>Delivery address</h2></header>
<form class="flowwrap" id="address-form" autocomplete="off"><div class="flowbody" id="address-body" data-testid="address-body"></div>
<footer class="addrfoot"><button type="submit" class="primary" id="address-send" data-testid="address-send">Send address</button></footer></form>
</section>
</div>
</body></html>`;
}
