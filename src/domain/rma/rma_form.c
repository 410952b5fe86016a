/*
 * rma_form — the declared body of a new return/exchange form
 * 《调退货明细表》 and its lines (domain/record): what the API decodes a
 * POST /api/v1/returns by, and what the OpenAPI says of it.  Not stored as
 * such (no columns): rma_create() checks and writes the form.
 */
#include "domain/rma/rma.h"

#include <stddef.h>

#define F(m) offsetof(struct rma_line_draft, m)

static const struct rfield line_fields[] = {
	{ "model_id", NULL, RT_ID, F(model_id), RF_NULLABLE, .zh = "型号",
	    .en = "Model", .doc = "product model (or a sold unit)" },
	{ "unit_id", NULL, RT_ID, F(unit_id), RF_NULLABLE, .zh = "设备",
	    .en = "Unit", .doc = "the sold unit" },
	{ "serial", NULL, RT_TEXT, F(serial), RF_NULLABLE, 0, 64,
	    .zh = "序列号", .en = "Serial number",
	    .doc = "the sold unit's serial number" },
	{ "description", NULL, RT_TEXT, F(description), RF_NULLABLE, 0, 500,
	    .zh = "货物描述", .en = "Goods", .doc = "goods as written on the "
	    "form" },
	{ "quantity", NULL, RT_INT, F(quantity), RF_REQUIRED, 1, RMA_QTY_MAX,
	    .zh = "数量", .en = "Quantity" },
	{ "unit_price_fen", NULL, RT_MONEY, F(unit_price_fen), RF_REQUIRED, 0,
	    RMA_PRICE_MAX, .zh = "单价", .en = "Unit price" },
	{ "amount_fen", NULL, RT_MONEY, F(amount_fen), 0, 0, INT64_MAX,
	    .def = "-1", .zh = "金额", .en = "Amount",
	    .doc = "quantity x unit price (checked)" },
	{ "reason", NULL, RT_ENUM, F(reason), RF_NULLABLE, .enums = rma_reasons,
	    .zh = "原因", .en = "Reason", .doc = "the form's reason" },
	{ "delivery_date", NULL, RT_TEXT, F(delivery_date), RF_NULLABLE, 10,
	    10, .zh = "发货日期", .en = "Delivery date", .doc = "YYYY-MM-DD; "
	    "default the sold unit's (the time limit counts from it)" },
	{ NULL },
};

#undef F

const struct record rma_line_draft_rec = {
	.name = "return_line",
	.what = "line",
	.size = sizeof(struct rma_line_draft),
	.fields = line_fields,
	.zh = "调退货明细行",
	.en = "Return line",
};

#define F(m) offsetof(struct rma_draft, m)

static const struct rfield draft_fields[] = {
	{ "kind", NULL, RT_ENUM, F(kind), RF_REQUIRED, .enums = rma_kinds,
	    .zh = "类别", .en = "Kind", .doc = "exchange (调货) or refund (退货)" },
	{ "reason", NULL, RT_ENUM, F(reason), RF_REQUIRED, .enums = rma_reasons,
	    .zh = "原因", .en = "Reason", .doc = "unsalable 不适销, quality 质量"
	    "问题, transit_damage 运输损坏, not_as_described 与描述不符" },
	{ "channel", NULL, RT_ENUM, F(channel), RF_NULLABLE,
	    .enums = rma_channels, .zh = "来源", .en = "Channel",
	    .doc = "staff (default), paper or fax (registered by the office, "
	    "then signed for); customers: portal" },
	{ "customer_id", NULL, RT_ID, F(customer_id), RF_NULLABLE,
	    .zh = "客户", .en = "Customer", .doc = "the customer (staff; "
	    "customers file for their own company)" },
	{ "request_id", NULL, RT_ID, F(request_id), RF_NULLABLE,
	    .zh = "服务工单", .en = "Service request",
	    .doc = "the service request it comes from" },
	{ "description", NULL, RT_TEXT, F(description), RF_NULLABLE, 0, 2000,
	    .zh = "备注", .en = "Remarks", .doc = "remarks on the form" },
	{ "lines", NULL, RT_LIST, F(lines), RF_REQUIRED, 1, RMA_LINES_MAX,
	    .of = &rma_line_draft_rec, .zh = "明细", .en = "Lines",
	    .doc = "the goods returned" },
	{ NULL },
};

#undef F

const struct record rma_draft_rec = {
	.name = "return_draft",
	.what = "return form",
	.size = sizeof(struct rma_draft),
	.fields = draft_fields,
	.zh = "调退货明细表",
	.en = "New return form",
};
