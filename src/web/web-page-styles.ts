// The private page's one stylesheet, served by web-route.ts at PAGE_CSS_PATH.
/**
 * The page's one stylesheet (same origin, so CSP `default-src 'self'` allows it). A diff reads on a
 * phone: its line numbers take only their width (`width:1%`; a table at 100% would otherwise share
 * its width out between the columns) and its code lines wrap, so at 390 px the code starts near the left.
 */
export const PAGE_CSS = `body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:52rem;padding:1rem;color:#1b1b1b;background:#fafafa}
h1{font-size:1.4rem;margin:.2rem 0}h2{font-size:1.15rem;margin-top:1.6rem}h3{font-size:1rem}
.meta{color:#666;font-size:.85rem}.warn{color:#a40000}
.transcript{list-style:none;padding:0}.transcript li{margin:.4rem 0;padding:.5rem .7rem;border-radius:8px;background:#fff;border:1px solid #e3e3e3}
.transcript li.user{background:#e7f7e1;margin-left:2rem}.transcript li.relay{background:#f1f1f1;font-size:.9rem}
.transcript time{color:#555;font-size:.8rem}.transcript .text{margin:.1rem 0 0;white-space:pre-wrap;overflow-wrap:anywhere}
.transcript pre{margin:.2rem 0;padding:.3rem;background:#f4f4f4;white-space:pre-wrap;overflow-wrap:anywhere}.transcript blockquote{margin:.2rem 0;padding-left:.6rem;border-left:3px solid #ccc;color:#444}
.transcript .buttons{margin:.3rem 0 0}.transcript .buttons span{display:inline-block;margin-right:.4rem;padding:.1rem .6rem;border:1px solid #9bb;border-radius:1rem;font-size:.85rem;color:#066}
.index ol{padding-left:1.4rem}details.conversation>summary{cursor:pointer}details.conversation>summary h2{display:inline}
details.event pre{white-space:pre-wrap;overflow-wrap:anywhere;font-size:.8rem;background:#f4f4f4;padding:.3rem}
.transcript li.user time::before{content:"You · "}.transcript li.agent time::before{content:"Agent · "}.transcript li.relay time::before{content:"Relay · "}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
td ul{margin:0;padding-left:1rem}
svg.chart{width:100%;max-width:32rem;height:auto;background:#fff;border:1px solid #e3e3e3}svg.chart rect{fill:#2f7d32}svg.chart.failures rect{fill:#b3261e}
svg.chart line{stroke:#999}svg.chart line.grid{stroke:#ddd;stroke-dasharray:4 3}svg.chart text{font-size:15px;fill:#555}svg.chart text.amount{fill:#1b1b1b;font-weight:600}
.chart-figures{margin:.2rem 0 0;font-size:.9rem}
.runs{padding-left:1.4rem;font-size:.85rem}.run{margin:.5rem 0;border-bottom:1px solid #ddd}.run *{margin:.15rem 0}
.approvals li{white-space:pre-wrap;overflow-wrap:anywhere}.tools{padding-left:1.2rem;font-weight:600}.tools code{font-weight:400;white-space:pre-wrap;overflow-wrap:anywhere}.tools .refused{font-weight:400}.tools .refused code{text-decoration:line-through}.change{font-weight:600}
.diff{overflow-x:auto}.d2h-file-wrapper{border:1px solid #ddd;margin:.6rem 0;background:#fff}.d2h-file-header{padding:.3rem .6rem;background:#eee;font-weight:600}
.d2h-tag{margin-left:.5rem;font-size:.7rem;color:#666}.d2h-diff-table{border-collapse:collapse;font:12px/1.4 monospace;width:100%}.d2h-diff-table td{border:0;padding:0 .3rem}
.d2h-code-line{white-space:pre-wrap;overflow-wrap:anywhere}
.d2h-code-linenumber{color:#999;text-align:right;width:1%;white-space:nowrap;font-size:11px;padding:0 .2rem}.line-num1,.line-num2{display:inline-block;min-width:1.4em}.d2h-info{background:#eef;color:#555}
.d2h-ins{background:#dfd}.d2h-ins ins{background:#aea;text-decoration:none}.d2h-del{background:#fdd}.d2h-del del{background:#f99;text-decoration:none}
[hidden]{display:none!important}
.diff [data-side]{cursor:pointer}.d2h-file-header[data-side]{min-height:44px;display:flex;align-items:center}
@media (pointer:coarse){.diff tr[data-side]>td{height:44px;vertical-align:middle}}
.diff tr.review-tapped>td{outline:2px solid #1a73e8;outline-offset:-2px}.diff tr.review-commented>td:last-child{box-shadow:inset 4px 0 #e0a800}
.review-box{padding:.5rem;margin:.3rem 0;background:#fffbe6;border:1px solid #e0c96b;border-radius:6px;font:15px/1.45 system-ui,sans-serif}
.review-box textarea{box-sizing:border-box;width:100%;min-height:88px;font:16px/1.4 system-ui,sans-serif;padding:.4rem}
.review button{min-height:44px;min-width:44px;padding:0 1rem;font-size:16px;border-radius:6px;border:1px solid #888;background:#fff}
.review-box button{min-height:44px;min-width:44px;padding:0 1rem;font-size:16px;margin:.3rem .5rem 0 0;border-radius:6px;border:1px solid #888;background:#fff}
.review button.review-send,.review-box button.review-add{background:#1a73e8;border-color:#1a73e8;color:#fff}.review button:disabled{opacity:.5}
.review{border-top:2px solid #ddd;margin-top:1rem}.review-comments{padding-left:1.2rem}.review-comments li{margin:.5rem 0}.review-comments p{margin:.1rem 0}
.review-anchor{font-weight:600;overflow-wrap:anywhere}.review-line{margin:.2rem 0;padding:.2rem .4rem;background:#f4f4f4;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px}.review-body{white-space:pre-wrap;overflow-wrap:anywhere}
.review-bar{padding:.5rem 0}.review-error{color:#a40000}
.live{border:2px solid #1a73e8;border-radius:8px;padding:.2rem .7rem;margin:.8rem 0;background:#fff}.live-state{font-size:.8rem;padding:.1rem .5rem;border-radius:1rem;background:#eee}
.live-state.live{background:#dff5e1;color:#1b5e20}.live-state.reconnecting,.live-state.ended,.live-state.closed{background:#fff3cd;color:#7a4f00}
.live-events{list-style:none;padding:0;font-size:.9rem}.live-events li{margin:.3rem 0;overflow-wrap:anywhere;white-space:pre-wrap}.live-events time{color:#666;font-size:.8rem}
.live-events li.approval{background:#fffbe6;padding:.3rem}.live-diff{font:12px/1.4 monospace;white-space:pre-wrap;overflow-wrap:anywhere;background:#f4f4f4;padding:.3rem;margin:.2rem 0}.live-events li.failed{color:#a40000}.live-events li.change,.live-events li.end{font-weight:600}
.live button{min-height:44px;min-width:44px;padding:0 1rem;font-size:16px;margin:.3rem .5rem .3rem 0;border-radius:6px;border:1px solid #888;background:#fff}.live-error{color:#a40000}.live-picture{display:block;max-width:100%;height:auto;margin:.3rem 0}`;
