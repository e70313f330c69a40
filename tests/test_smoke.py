def test_board_index_renders(client, make):
    board = make.board()
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert board.name_en in response.text
