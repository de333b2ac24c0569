"""A process owner revises the SOP in the browser: adds a step in a lane with its Waktu and form,
sees an invalid draft refused with the offending element selected, publishes v2 with a note; a new
case runs v2 while an older one stays on v1 until the dry run and the migration move it; the diff
shows the new step in words and on the diagram.

This module runs its own server: publishing v2 here must not change the SOP under the other
browser tests, which walk the shipped v1 to its end.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from conftest import browsing_on, running_server
from e2e_flow import fill_form
from tests.sop_data import screening

KEY = "pelayanan_pengaduan"
NEW_STEP = "Rekap hasil survei kepuasan"


@pytest.fixture(scope="module")
def modeling_server(tmp_path_factory, browser):
    with running_server(tmp_path_factory.mktemp("e2e-modeler"), "server-modeler.log") as srv:
        yield srv


@pytest.fixture
def owner_browsing(browser, modeling_server):
    with browsing_on(browser, modeling_server) as session:
        yield session


def receive_visitor(browsing, name: str) -> tuple[str, int]:
    """UPP Kementerian opens a case at the front desk; (ticket code, case id)."""
    ani = browsing.staff("ani", "/terima-tamu")
    fill_form(ani, "screening_pengunjung", screening(nama=name))
    ani.get_by_role("button", name="Buka kasus dan cetak slip").click()
    ani.wait_for_url(re.compile(r"/kasus/\d+/slip$"))
    case_id = int(re.search(r"/kasus/(\d+)/slip", ani.url).group(1))
    return ani.locator(".slip-code").inner_text().strip(), case_id


def case_version(browsing, case_id: int) -> str:
    page = browsing.staff("ani", f"/kasus/{case_id}")
    return page.locator("dt", has_text="Versi proses").locator("xpath=following-sibling::dd[1]").inner_text()


def modeler_point(page, element_id: str) -> dict:
    """Screen coordinates of an element's middle (a flow's midpoint), after zooming to 100 % there."""
    return page.evaluate("""(id) => {
        const m = window.alurModeler, canvas = m.get('canvas');
        const el = m.get('elementRegistry').get(id);
        const pts = el.waypoints || [{x: el.x, y: el.y}, {x: el.x + el.width, y: el.y + el.height}];
        const mid = {x: (pts[0].x + pts[pts.length - 1].x) / 2, y: (pts[0].y + pts[pts.length - 1].y) / 2};
        const box = canvas._container.getBoundingClientRect();
        canvas.viewbox({x: mid.x - box.width / 2, y: mid.y - box.height / 2, width: box.width, height: box.height});
        const vb = canvas.viewbox();
        return {x: box.left + (mid.x - vb.x) * vb.scale, y: box.top + (mid.y - vb.y) * vb.scale};
    }""", element_id)


def selected_ids(page) -> list[str]:
    return page.evaluate("() => window.alurModeler.get('selection').get().map(e => e.id)")


def panel(page):
    return page.locator("[data-role=panel]")


def test_owner_adds_a_step_publishes_v2_and_migrates_an_older_case(owner_browsing, shots):
    browsing = owner_browsing
    old_code, old_case = receive_visitor(browsing, "Rina Kasus Lama")
    assert case_version(browsing, old_case) == f"{KEY} v1"

    owner = browsing.staff("pemilik", f"/pemodelan/{KEY}")
    expect(owner.locator("#versi-1")).to_contain_text("berlaku")
    shots(owner, "versi-awal")
    owner.get_by_role("link", name="Buka modeler").first.click()
    expect(owner.locator("#modeler.is-ready")).to_be_attached()
    shots(owner, "modeler-terbuka")

    # Drop a new task from the palette onto the flow after the survey: bpmn-js splits the flow.
    target = modeler_point(owner, "Flow_Survei_GwHasil")
    owner.locator(".djs-palette .entry[data-action='create.task']").click()
    owner.mouse.move(target["x"] - 40, target["y"] - 40, steps=4)
    owner.mouse.move(target["x"], target["y"], steps=4)
    owner.mouse.down()
    owner.mouse.up()
    new_id = owner.evaluate("() => window.alurModeler.get('elementRegistry')"
                            ".filter(e => e.type === 'bpmn:Task').map(e => e.id)[0]")
    assert new_id, "the palette's task was not created"
    owner.keyboard.press("Escape")
    owner.evaluate("(id) => window.alurModeler.get('selection').select("
                   "window.alurModeler.get('elementRegistry').get(id))", new_id)
    panel(owner).get_by_role("button", name="Jadikan langkah SOP (User Task)").click()
    expect(panel(owner)).to_contain_text("Langkah SOP (tugas pengguna)")
    panel(owner).get_by_label("Nama kegiatan").fill(NEW_STEP)
    panel(owner).get_by_label("Nama kegiatan").press("Tab")

    # Publishing the half-made step is refused; the problem selects the step on the diagram.
    owner.get_by_role("button", name="Terbitkan…").click()
    owner.get_by_label("Catatan perubahan").fill("Menambah rekap survei")
    owner.locator("[data-role=publish-dialog]").get_by_role("button", name="Terbitkan").click()
    problems = owner.locator("[data-role=problem-list]")
    expect(problems).to_contain_text("sop_step")
    expect(owner.locator("[data-role=status]")).to_contain_text("tidak diterbitkan")
    owner.evaluate("() => window.alurModeler.get('selection').select(null)")
    problems.locator(f"button[data-element-id='{new_id}']").first.click()
    assert selected_ids(owner) == [new_id]
    expect(panel(owner)).to_contain_text(new_id)
    shots(owner, "draf-ditolak-elemen-terpilih")

    # The Mutu Baku, the form and the lane through the side panel.
    side = panel(owner)
    side.get_by_label("Nomor langkah SOP").fill("9")
    side.get_by_label("Kelengkapan (Mutu Baku)").fill("Survei telah diisi")
    side.get_by_label("Waktu (Mutu Baku)").fill("5")
    side.get_by_label("Output (Mutu Baku)").fill("Rekap hasil survei")
    side.get_by_label("Keterangan").fill("Direkap setiap hari kerja")
    side.get_by_label("Keterangan").press("Tab")
    side.get_by_label("Formulir").select_option("catatan_langkah")
    side.get_by_label("Lajur (pelaksana)").select_option(label="UPP Unit Kerja")
    lane = owner.evaluate("""(id) => { const m = window.alurModeler; const bo = m.get('elementRegistry').get(id).businessObject;
        return m.get('elementRegistry').filter(e => e.type === 'bpmn:Lane' && (e.businessObject.flowNodeRef || []).includes(bo))
        .map(e => e.businessObject.name)[0]; }""", new_id)
    assert lane == "UPP Unit Kerja"
    owner.get_by_role("button", name="Periksa").click()
    expect(owner.locator("[data-role=status]")).not_to_contain_text("Memeriksa")
    expect(owner.locator("[data-role=status]")).to_contain_text("Lolos semua pemeriksaan")
    shots(owner, "draf-lolos-pemeriksaan")

    owner.get_by_role("button", name="Terbitkan…").click()
    owner.get_by_label("Catatan perubahan").fill("Menambah langkah 9: rekap hasil survei oleh UPP Unit Kerja")
    owner.locator("[data-role=publish-dialog]").get_by_role("button", name="Terbitkan").click()
    owner.wait_for_url(re.compile(rf"/pemodelan/{KEY}$"))
    expect(owner.locator(".flash-success")).to_contain_text("Versi 2 diterbitkan")
    expect(owner.locator("#versi-2")).to_contain_text("berlaku")
    expect(owner.locator("#versi-2")).to_contain_text("rekap hasil survei")
    expect(owner.locator("#versi-1")).to_contain_text("ditarik")
    shots(owner, "versi-2-terbit")

    # New cases run v2; the older case stays on v1.
    _, new_case = receive_visitor(browsing, "Sari Kasus Baru")
    assert case_version(browsing, new_case) == f"{KEY} v2"
    assert case_version(browsing, old_case) == f"{KEY} v1"

    check_diff(owner, shots, new_id)
    migrate(owner, shots, old_code)
    assert case_version(browsing, old_case) == f"{KEY} v2"
    history = browsing.staff("ani", f"/kasus/{old_case}")
    expect(history.locator(".timeline")).to_contain_text("Dari versi 1 ke versi 2")
    shots(history, "kasus-lama-setelah-migrasi")


def check_diff(owner, shots, new_id: str) -> None:
    """v1 -> v2 in words (the new step, its lane and Waktu) and marked on the newer diagram."""
    owner.goto(f"/pemodelan/{KEY}")
    owner.get_by_role("link", name="Bandingkan versi").click()
    added = owner.locator(f".diff-entry-added[data-element-id='{new_id}']")
    expect(added).to_contain_text(NEW_STEP)
    expect(added).to_contain_text("UPP Unit Kerja")
    expect(added).to_contain_text("5 menit")
    marked = owner.locator(f".diff-diagram[data-side='to'] .djs-element.diff-added[data-element-id='{new_id}']")
    expect(marked).to_have_count(1)
    expect(owner.locator(".diff-diagram[data-side='to'] .diff-badge-added").first).to_be_visible()
    shots(owner, "beda-versi-1-2")


def migrate(owner, shots, old_code: str) -> None:
    """The dry run says the older case can move (its step 2 is untouched by v2), then it moves."""
    owner.goto(f"/pemodelan/{KEY}")
    owner.get_by_role("link", name="Migrasi kasus berjalan").click()
    row = owner.locator("tr", has_text=old_code)
    row.locator("input[name=kasus]").check()
    shots(owner, "migrasi-pilih-kasus")
    owner.get_by_role("button", name=re.compile("Uji migrasi ke versi 2")).click()
    report = owner.locator("tr.is-safe", has_text=old_code)
    expect(report).to_contain_text("Aman")
    expect(report).to_contain_text("1 → 2")
    shots(owner, "migrasi-uji")
    owner.get_by_role("button", name=re.compile("Migrasikan yang aman")).click()
    expect(owner.locator(".flash-success, .flash-info").first).to_contain_text("1 kasus dimigrasikan ke versi 2")
    expect(owner.locator("tr.is-safe", has_text=old_code)).to_contain_text("Dimigrasikan")
    shots(owner, "migrasi-selesai")
