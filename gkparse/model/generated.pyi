# Generated from the template data by `python -m gkparse.model.stubs`: do not edit.
# Declares the classes of gkparse.model.generated (built at run time by gkparse.model.tables) for
# type checkers and editors; tests/typing/test_typing.py fails when this file is stale.

from typing import Any, TypeAlias, Union

from pydantic import BaseModel

from .cells import Cell
from .tables import TableModel

class DisclosureRow2019(BaseModel):
    """One row of 二、主动公开政府信息情况 (2019 template); columns a row lacks are absent."""

    new_made: Cell
    """本年新制作数量"""

    new_published: Cell
    """本年新公开数量"""

    total_published: Cell
    """对外公开总数量"""

    prev_items: Cell
    """上一年项目数量"""

    change: Cell
    """本年增/减"""

    decisions: Cell
    """处理决定数量"""

    items: Cell
    """采购项目数量"""

    amount: Cell
    """采购总金额 (unit 元)"""

    def __init__(self, **data: Any) -> None: ...

class Disclosure2019(TableModel):
    """二、主动公开政府信息情况 (2019 template, 8 rows)"""

    template: str
    """The template revision the table follows."""

    rules: DisclosureRow2019
    """规章"""

    normative_documents: DisclosureRow2019
    """规范性文件"""

    licensing: DisclosureRow2019
    """行政许可"""

    other_services: DisclosureRow2019
    """其他对外管理服务事项"""

    penalties: DisclosureRow2019
    """行政处罚"""

    coercive_measures: DisclosureRow2019
    """行政强制"""

    fees: DisclosureRow2019
    """行政事业性收费"""

    procurement: DisclosureRow2019
    """政府集中采购"""

    def __init__(self, **data: Any) -> None: ...

class RequestsRow2019(BaseModel):
    """One row of 三、收到和处理政府信息公开申请情况 (2019 template); columns a row lacks are absent."""

    natural_person: Cell
    """自然人"""

    commercial: Cell
    """商业企业"""

    research: Cell
    """科研机构"""

    social_welfare: Cell
    """社会公益组织"""

    legal_services: Cell
    """法律服务机构"""

    other_org: Cell
    """其他"""

    total: Cell
    """总计"""

    def __init__(self, **data: Any) -> None: ...

class Requests2019_withheld(BaseModel):
    """Group (三)不予公开"""

    state_secret: RequestsRow2019
    """1.属于国家秘密"""

    prohibited_by_law: RequestsRow2019
    """2.其他法律行政法规禁止公开"""

    security_stability: RequestsRow2019
    """3.危及“三安全一稳定”"""

    third_party_rights: RequestsRow2019
    """4.保护第三方合法权益"""

    internal_affairs: RequestsRow2019
    """5.属于三类内部事务信息"""

    process_information: RequestsRow2019
    """6.属于四类过程性信息"""

    enforcement_files: RequestsRow2019
    """7.属于行政执法案卷"""

    administrative_query: RequestsRow2019
    """8.属于行政查询事项"""

    def __init__(self, **data: Any) -> None: ...

class Requests2019_unavailable(BaseModel):
    """Group (四)无法提供"""

    not_held: RequestsRow2019
    """1.本机关不掌握相关政府信息"""

    needs_creation: RequestsRow2019
    """2.没有现成信息需要另行制作"""

    unclear: RequestsRow2019
    """3.补正后申请内容仍不明确"""

    def __init__(self, **data: Any) -> None: ...

class Requests2019_not_processed(BaseModel):
    """Group (五)不予处理"""

    complaint: RequestsRow2019
    """1.信访举报投诉类申请"""

    duplicate: RequestsRow2019
    """2.重复申请"""

    publication: RequestsRow2019
    """3.要求提供公开出版物"""

    excessive: RequestsRow2019
    """4.无正当理由大量反复申请"""

    confirmation: RequestsRow2019
    """5.要求行政机关确认或重新出具已获取信息"""

    def __init__(self, **data: Any) -> None: ...

class Requests2019(TableModel):
    """三、收到和处理政府信息公开申请情况 (2019 template, 23 rows)"""

    template: str
    """The template revision the table follows."""

    new: RequestsRow2019
    """一、本年新收政府信息公开申请数量"""

    carried_over: RequestsRow2019
    """二、上年结转政府信息公开申请数量"""

    granted: RequestsRow2019
    """(一)予以公开"""

    partially_granted: RequestsRow2019
    """(二)部分公开(区分处理的,只计这一情形,不计其他情形)"""

    withheld: Requests2019_withheld
    """(三)不予公开"""

    unavailable: Requests2019_unavailable
    """(四)无法提供"""

    not_processed: Requests2019_not_processed
    """(五)不予处理"""

    other: RequestsRow2019
    """(六)其他处理"""

    total: RequestsRow2019
    """(七)总计"""

    carried_forward: RequestsRow2019
    """四、结转下年度继续办理"""

    def __init__(self, **data: Any) -> None: ...

class AppealsRow2019(BaseModel):
    """One row of 四、政府信息公开行政复议、行政诉讼情况 (2019 template); columns a row lacks are absent."""

    upheld: Cell
    """结果维持"""

    corrected: Cell
    """结果纠正"""

    other: Cell
    """其他结果"""

    pending: Cell
    """尚未审结"""

    total: Cell
    """总计"""

    def __init__(self, **data: Any) -> None: ...

class Appeals2019(TableModel):
    """四、政府信息公开行政复议、行政诉讼情况 (2019 template, 3 rows)"""

    template: str
    """The template revision the table follows."""

    review: AppealsRow2019
    """行政复议"""

    litigation_direct: AppealsRow2019
    """行政诉讼/未经复议直接起诉"""

    litigation_after_review: AppealsRow2019
    """行政诉讼/复议后起诉"""

    def __init__(self, **data: Any) -> None: ...

class DisclosureRow2021(BaseModel):
    """One row of 二、主动公开政府信息情况 (2021 template); columns a row lacks are absent."""

    issued: Cell
    """本年制发件数"""

    repealed: Cell
    """本年废止件数"""

    in_force: Cell
    """现行有效件数"""

    decisions: Cell
    """本年处理决定数量"""

    amount: Cell
    """本年收费金额(单位:万元) (unit 万元)"""

    def __init__(self, **data: Any) -> None: ...

class Disclosure2021(TableModel):
    """二、主动公开政府信息情况 (2021 template, 6 rows)"""

    template: str
    """The template revision the table follows."""

    rules: DisclosureRow2021
    """规章"""

    normative_documents: DisclosureRow2021
    """行政规范性文件"""

    licensing: DisclosureRow2021
    """行政许可"""

    penalties: DisclosureRow2021
    """行政处罚"""

    coercive_measures: DisclosureRow2021
    """行政强制"""

    fees: DisclosureRow2021
    """行政事业性收费"""

    def __init__(self, **data: Any) -> None: ...

class RequestsRow2021(BaseModel):
    """One row of 三、收到和处理政府信息公开申请情况 (2021 template); columns a row lacks are absent."""

    natural_person: Cell
    """自然人"""

    commercial: Cell
    """商业企业"""

    research: Cell
    """科研机构"""

    social_welfare: Cell
    """社会公益组织"""

    legal_services: Cell
    """法律服务机构"""

    other_org: Cell
    """其他"""

    total: Cell
    """总计"""

    def __init__(self, **data: Any) -> None: ...

class Requests2021_withheld(BaseModel):
    """Group (三)不予公开"""

    state_secret: RequestsRow2021
    """1.属于国家秘密"""

    prohibited_by_law: RequestsRow2021
    """2.其他法律行政法规禁止公开"""

    security_stability: RequestsRow2021
    """3.危及“三安全一稳定”"""

    third_party_rights: RequestsRow2021
    """4.保护第三方合法权益"""

    internal_affairs: RequestsRow2021
    """5.属于三类内部事务信息"""

    process_information: RequestsRow2021
    """6.属于四类过程性信息"""

    enforcement_files: RequestsRow2021
    """7.属于行政执法案卷"""

    administrative_query: RequestsRow2021
    """8.属于行政查询事项"""

    def __init__(self, **data: Any) -> None: ...

class Requests2021_unavailable(BaseModel):
    """Group (四)无法提供"""

    not_held: RequestsRow2021
    """1.本机关不掌握相关政府信息"""

    needs_creation: RequestsRow2021
    """2.没有现成信息需要另行制作"""

    unclear: RequestsRow2021
    """3.补正后申请内容仍不明确"""

    def __init__(self, **data: Any) -> None: ...

class Requests2021_not_processed(BaseModel):
    """Group (五)不予处理"""

    complaint: RequestsRow2021
    """1.信访举报投诉类申请"""

    duplicate: RequestsRow2021
    """2.重复申请"""

    publication: RequestsRow2021
    """3.要求提供公开出版物"""

    excessive: RequestsRow2021
    """4.无正当理由大量反复申请"""

    confirmation: RequestsRow2021
    """5.要求行政机关确认或重新出具已获取信息"""

    def __init__(self, **data: Any) -> None: ...

class Requests2021_other(BaseModel):
    """Group (六)其他处理"""

    natural_person: Cell
    """自然人"""

    commercial: Cell
    """商业企业"""

    research: Cell
    """科研机构"""

    social_welfare: Cell
    """社会公益组织"""

    legal_services: Cell
    """法律服务机构"""

    other_org: Cell
    """其他"""

    total: Cell
    """总计"""

    overdue_correction: RequestsRow2021
    """1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"""

    overdue_fee: RequestsRow2021
    """2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"""

    other: RequestsRow2021
    """3.其他"""

    def __init__(self, **data: Any) -> None: ...

class Requests2021(TableModel):
    """三、收到和处理政府信息公开申请情况 (2021 template, 26 rows)"""

    template: str
    """The template revision the table follows."""

    new: RequestsRow2021
    """一、本年新收政府信息公开申请数量"""

    carried_over: RequestsRow2021
    """二、上年结转政府信息公开申请数量"""

    granted: RequestsRow2021
    """(一)予以公开"""

    partially_granted: RequestsRow2021
    """(二)部分公开(区分处理的,只计这一情形,不计其他情形)"""

    withheld: Requests2021_withheld
    """(三)不予公开"""

    unavailable: Requests2021_unavailable
    """(四)无法提供"""

    not_processed: Requests2021_not_processed
    """(五)不予处理"""

    other: Requests2021_other
    """(六)其他处理"""

    total: RequestsRow2021
    """(七)总计"""

    carried_forward: RequestsRow2021
    """四、结转下年度继续办理"""

    def __init__(self, **data: Any) -> None: ...

class AppealsRow2021(BaseModel):
    """One row of 四、政府信息公开行政复议、行政诉讼情况 (2021 template); columns a row lacks are absent."""

    upheld: Cell
    """结果维持"""

    corrected: Cell
    """结果纠正"""

    other: Cell
    """其他结果"""

    pending: Cell
    """尚未审结"""

    total: Cell
    """总计"""

    def __init__(self, **data: Any) -> None: ...

class Appeals2021(TableModel):
    """四、政府信息公开行政复议、行政诉讼情况 (2021 template, 3 rows)"""

    template: str
    """The template revision the table follows."""

    review: AppealsRow2021
    """行政复议"""

    litigation_direct: AppealsRow2021
    """行政诉讼/未经复议直接起诉"""

    litigation_after_review: AppealsRow2021
    """行政诉讼/复议后起诉"""

    def __init__(self, **data: Any) -> None: ...

AnyDisclosure: TypeAlias = Union[Disclosure2019, Disclosure2021]
"""Report.disclosure when it is not None: the disclosure table of one of the templates."""
AnyRequests: TypeAlias = Union[Requests2019, Requests2021]
"""Report.requests when it is not None: the requests table of one of the templates."""
AnyAppeals: TypeAlias = Union[Appeals2019, Appeals2021]
"""Report.appeals when it is not None: the appeals table of one of the templates."""
